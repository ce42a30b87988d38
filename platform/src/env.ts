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
