import { readFileSync } from "node:fs";
import { DEFAULT_ESCROW_START_SLACK_BLOCKS } from "@gpuc/offchain";
import { parseEnv } from "@gpuc/platform";
import { parseGpuc } from "@gpuc/sdk";
import { z } from "zod";
// registry.ts imports nothing, so this arrow cannot close a cycle; the list stays beside the rule that reads it.
import { DEFAULT_CLAIM_POLICY } from "./billing/claim-policy.ts";
import { DEFAULT_IMAGE_REGISTRIES } from "./docker/registry.ts";
import { ExecutorError } from "./errors.ts";

const seconds = (fallback: number) => z.coerce.number().positive().default(fallback);
const flag = z
  .enum(["true", "false", "1", "0"])
  .default("false")
  .transform((value) => value === "true" || value === "1");

/** Every setting of the executor, from the environment, with its default (see README.md). */
export const executorEnvSchema = z.object({
  GPUC_MARKETPLACE_URL: z.url().default("http://127.0.0.1:8080"),
  /**
   * The one web origin whose pages may call a rental's logs, ports and stop (CORS). Unset: the marketplace's
   * origin (GPUC_MARKETPLACE_URL, which serves the web app); empty or "none": no page may.
   */
  EXECUTOR_CORS_ORIGIN: z
    .string()
    .refine(
      (value) => ["", "none"].includes(value.trim()) || URL.canParse(value),
      "must be an origin URL, empty or none",
    )
    .optional(),
  GPUC_JWKS_URL: z.url().optional(),
  GPUC_PROVIDER_ID: z
    .string({ error: "set GPUC_PROVIDER_ID to the provider id the marketplace gave you" })
    .min(1, "set GPUC_PROVIDER_ID to the provider id the marketplace gave you"),
  GPUC_API_KEY: z.string().min(1).optional(),
  GPUC_API_KEY_FILE: z.string().min(1).optional(),
  GPUC_PROVIDER_MNEMONIC: z.string().min(1).optional(),
  GPUC_PROVIDER_MNEMONIC_FILE: z.string().min(1).optional(),
  GPUC_PROVIDER_MNEMONIC_PASSPHRASE: z.string().default(""),
  GPUC_PROVIDER_SECRET_KEY: z.string().min(1).optional(),
  GPUC_PROVIDER_SECRET_KEY_FILE: z.string().min(1).optional(),
  GPUC_NETWORK: z.enum(["mainnet", "testnet"]).default("testnet"),
  GPUC_DOCKER_SOCKET: z.string().default("/var/run/docker.sock"),
  DATABASE_URL: z.string().optional(),
  GPUC_DATA_DIR: z.string().default(".data/executor"),
  GPUC_GPUS: z
    .string()
    .regex(/^(all|none|recorded:.+)$/, 'use "all" (nvidia-smi), "none" (CPU only) or "recorded:<file>"')
    .default("all"),
  GPUC_NVIDIA_SMI: z.string().default("nvidia-smi"),
  // `ignore` runs rentals without the GPUs they pin (demo/CI machines without GPUs); never for a real provider.
  GPUC_GPU_PINS: z
    .enum(["enforce", "ignore"], {
      error:
        'use "enforce" (run rentals on their pinned GPUs) or "ignore" (demo/CI machines without GPUs only)',
    })
    .default("enforce"),
  GPUC_HTTP_HOST: z.string().default("0.0.0.0"),
  GPUC_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8090),
  GPUC_BILLING_PERIOD_SECONDS: z.coerce.number().int().positive().default(3600),
  GPUC_STOP_GRACE_SECONDS: z.coerce.number().int().min(0).default(30),
  GPUC_TICK_SECONDS: seconds(5),
  GPUC_HEARTBEAT_SECONDS: seconds(60),
  GPUC_POLL_SECONDS: seconds(15),
  GPUC_CLAIM_STALE_SECONDS: seconds(1800),
  GPUC_SETTLEMENT_RETRY_SECONDS: seconds(60),
  /** The claim policy (billing/claim-policy.ts): claim once this many periods are unclaimed… */
  GPUC_CLAIM_AFTER_PERIODS: z.coerce.number().int().positive().default(DEFAULT_CLAIM_POLICY.afterPeriods),
  /** …or once they are worth this much GPUC (e.g. "25.5"), whichever comes first. */
  GPUC_CLAIM_AFTER_GPUC: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined || text === "") return undefined;
      try {
        return parseGpuc(text, "GPUC_CLAIM_AFTER_GPUC");
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
    }),
  /** Claim the last prepaid periods too instead of leaving them to the close (one transaction more). */
  GPUC_CLAIM_LAST_PERIOD: z.stringbool().default(false),
  GPUC_RETAIN_ENDED_SECONDS: z.coerce.number().min(0).default(86_400),
  GPUC_SETTLEMENT: z.enum(["recording", "chain"]).optional(),
  ERGO_NODE_URL: z.url().optional(),
  GPUC_DEPLOYMENT_FILE: z.string().min(1).optional(),
  GPUC_SETTLEMENT_FEE_NANOERG: z.coerce.bigint().positive().optional(),
  GPUC_ESCROW_START_SLACK_BLOCKS: z.coerce.number().int().min(0).default(DEFAULT_ESCROW_START_SLACK_BLOCKS),
  GPUC_PUBLIC_URL: z.url().optional(),
  GPUC_ALLOWED_PORTS: z.string().default("1024-65535"),
  GPUC_PORT_NETWORK: z.string().min(1).default("gpuc-rentals"),
  GPUC_PORT_NETWORK_SUBNET: z
    .string()
    .regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, "an IPv4 CIDR such as 10.213.0.0/24")
    .optional(),
  GPUC_PUBLISH_HOST_IP: z.string().default("0.0.0.0"),
  GPUC_TMPFS_MB: z.coerce.number().int().positive().default(1024),
  GPUC_DISK_QUOTA: flag,
  GPUC_IMAGE_DIR: z.string().optional(),
  // Comma-separated registry hosts ("host[:port]") images may be pulled from; "*" allows any (see registry.ts).
  GPUC_IMAGE_REGISTRIES: z
    .string()
    .optional()
    .transform((value) =>
      value === undefined
        ? [...DEFAULT_IMAGE_REGISTRIES]
        : value
            .split(",")
            .map((entry) => entry.trim())
            .filter(Boolean),
    ),
  // GPU verification challenges: answered unless "false"; GPU machines run the CUDA image built from bench.cu.
  GPUC_CHALLENGES: z.stringbool().default(true),
  GPUC_BENCH_CUDA_IMAGE: z.string().optional(),
  GPUC_EXEC_TIMEOUT_SECONDS: seconds(60),
  GPUC_EXEC_MAX_OUTPUT_BYTES: z.coerce.number().int().positive().default(1_048_576),
  GPUC_MAX_CALLS_PER_INSTANCE: z.coerce.number().int().positive().default(4),
});

export type ExecutorEnv = z.infer<typeof executorEnvSchema>;

/** The provider's key, as configured: a seed phrase or a raw secret. Never logged. */
export type ProviderKeySource =
  | { readonly kind: "mnemonic"; readonly mnemonic: string; readonly passphrase: string }
  | { readonly kind: "secret"; readonly secretHex: string };

/** How the executor gets paid: on chain (a node and a deployment), or recorded in its database (no chain). */
export type SettlementChoice =
  | { readonly kind: "recording" }
  | { readonly kind: "chain"; readonly nodeUrl?: string; readonly deploymentFile?: string };

export interface ExecutorConfig {
  readonly env: ExecutorEnv;
  readonly settlement: SettlementChoice;
  readonly apiKey: string;
  readonly providerKey: ProviderKeySource;
  readonly jwksUrl: string;
  readonly portAllowed: (port: number) => boolean;
  /** The web origin allowed by CORS on the consumer routes (see EXECUTOR_CORS_ORIGIN); undefined: none. */
  readonly corsOrigin: string | undefined;
}

/** The configuration is inconsistent (beyond what the schema checks). */
export class ExecutorConfigError extends ExecutorError {}

/**
 * Reads the executor's configuration once: the environment through the schema, then the secrets (inline or
 * from `*_FILE` paths, e.g. Docker/Kubernetes secrets).
 */
export function loadExecutorConfig(env?: Record<string, string | undefined>): ExecutorConfig {
  const parsed = parseEnv(executorEnvSchema, env);
  const apiKey = oneOf(parsed.GPUC_API_KEY, parsed.GPUC_API_KEY_FILE, "GPUC_API_KEY");
  if (!apiKey)
    throw new ExecutorConfigError("Set GPUC_API_KEY or GPUC_API_KEY_FILE to a provider-scoped API key");
  let portAllowed: (port: number) => boolean;
  try {
    portAllowed = parsePortRanges(parsed.GPUC_ALLOWED_PORTS);
  } catch (error) {
    throw new ExecutorConfigError(`GPUC_ALLOWED_PORTS: ${(error as Error).message}`);
  }
  return {
    env: parsed,
    settlement: settlementChoice(parsed),
    apiKey,
    providerKey: providerKey(parsed),
    jwksUrl:
      parsed.GPUC_JWKS_URL ?? new URL("/.well-known/jwks.json", parsed.GPUC_MARKETPLACE_URL).toString(),
    portAllowed,
    corsOrigin: corsOriginOf(parsed.EXECUTOR_CORS_ORIGIN, parsed.GPUC_MARKETPLACE_URL),
  };
}

/**
 * `GPUC_SETTLEMENT` when set; otherwise on chain when both ERGO_NODE_URL and GPUC_DEPLOYMENT_FILE are set, and
 * recorded when neither is. (`startExecutor` may also be handed a chain client and a deployment directly.)
 */
function settlementChoice(env: ExecutorEnv): SettlementChoice {
  const nodeUrl = env.ERGO_NODE_URL;
  const deploymentFile = env.GPUC_DEPLOYMENT_FILE;
  if (env.GPUC_SETTLEMENT === "recording") return { kind: "recording" };
  if (env.GPUC_SETTLEMENT === "chain") return { kind: "chain", nodeUrl, deploymentFile };
  if (nodeUrl && deploymentFile) return { kind: "chain", nodeUrl, deploymentFile };
  if (nodeUrl || deploymentFile) {
    throw new ExecutorConfigError(
      "Set both ERGO_NODE_URL and GPUC_DEPLOYMENT_FILE to settle on chain (or GPUC_SETTLEMENT=recording to settle without one)",
    );
  }
  return { kind: "recording" };
}

function providerKey(env: ExecutorEnv): ProviderKeySource {
  const mnemonic = oneOf(
    env.GPUC_PROVIDER_MNEMONIC,
    env.GPUC_PROVIDER_MNEMONIC_FILE,
    "GPUC_PROVIDER_MNEMONIC",
  );
  const secretHex = oneOf(
    env.GPUC_PROVIDER_SECRET_KEY,
    env.GPUC_PROVIDER_SECRET_KEY_FILE,
    "GPUC_PROVIDER_SECRET_KEY",
  );
  if (mnemonic && secretHex) {
    throw new ExecutorConfigError("Set either a provider mnemonic or a provider secret key, not both");
  }
  if (mnemonic) return { kind: "mnemonic", mnemonic, passphrase: env.GPUC_PROVIDER_MNEMONIC_PASSPHRASE };
  if (secretHex) return { kind: "secret", secretHex };
  throw new ExecutorConfigError(
    "Set GPUC_PROVIDER_MNEMONIC(_FILE) or GPUC_PROVIDER_SECRET_KEY(_FILE): the provider wallet signs heartbeats and claims",
  );
}

/**
 * A set of allowed container ports, parsed from "8000-8999,22" style lists (`GPUC_ALLOWED_PORTS`). Here, not in
 * agent/, so that config imports no part that imports it back: the agent only gets the resulting predicate.
 */
function parsePortRanges(spec: string): (port: number) => boolean {
  const ranges = spec
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [from, to = from] = part.split("-").map((value) => Number(value.trim()));
      if (!Number.isInteger(from) || !Number.isInteger(to) || from! < 1 || to! > 65535 || from! > to!) {
        throw new Error(`"${part}" is not a port or port range (e.g. 8000-8999)`);
      }
      return [from!, to!] as const;
    });
  return (port) => ranges.some(([from, to]) => port >= from && port <= to);
}

/** An inline value or the trimmed contents of a file; both set is an error. */
function oneOf(inline: string | undefined, file: string | undefined, name: string): string | undefined {
  if (inline && file) throw new ExecutorConfigError(`Set ${name} or ${name}_FILE, not both`);
  if (inline) return inline.trim();
  if (!file) return undefined;
  try {
    return readFileSync(file, "utf8").trim();
  } catch (error) {
    throw new ExecutorConfigError(`Cannot read ${name}_FILE (${file}): ${(error as Error).message}`);
  }
}

/**
 * The CORS origin of `EXECUTOR_CORS_ORIGIN`: unset, the marketplace's own origin (the web app is served from
 * it); empty or "none", no origin at all.
 */
export function corsOriginOf(setting: string | undefined, marketplaceUrl: string): string | undefined {
  if (setting === undefined) return new URL(marketplaceUrl).origin;
  const value = setting.trim();
  if (value === "" || value === "none") return undefined;
  return new URL(value).origin;
}
