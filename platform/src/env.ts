import { readFileSync } from "node:fs";
import type { z } from "zod";

/** Thrown when the environment does not satisfy a component's config schema. */
export class ConfigError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(`Invalid configuration:\n${issues.map((issue) => `  - ${issue}`).join("\n")}`);
    this.name = new.target.name;
  }
}

/**
 * Parses the environment once against a zod schema; the only place a component reads `process.env`.
 *
 * @example
 * const config = parseEnv(z.object({ PORT: z.coerce.number().int().default(8080) }));
 */
export function parseEnv<T extends z.ZodType>(
  schema: T,
  env: Record<string, string | undefined> = process.env,
): z.infer<T> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => `${issue.path.join(".") || "env"}: ${issue.message}`),
  );
}

/**
 * A secret given inline (`NAME`) or as a file (`NAME_FILE`, e.g. a Docker or Kubernetes secret), trimmed; never
 * both. Undefined when neither is set. The value is never part of an error message.
 *
 * @example
 * const key = readSecret(process.env, "STRIPE_SECRET_KEY");
 */
export function readSecret(env: Record<string, string | undefined>, name: string): string | undefined {
  const inline = env[name]?.trim();
  const file = env[`${name}_FILE`]?.trim();
  if (inline && file) throw new ConfigError([`${name}: set ${name} or ${name}_FILE, not both`]);
  if (inline) return inline;
  if (!file) return undefined;
  try {
    return readFileSync(file, "utf8").trim();
  } catch (error) {
    throw new ConfigError([`${name}_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code})`]);
  }
}
