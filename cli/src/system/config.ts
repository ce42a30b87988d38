import { join, resolve } from "node:path";
import { parseEnv } from "@gpuc/platform";
import { z } from "zod";

const level = z.enum(["debug", "info", "warn", "error"]);

/**
 * The settings of `npm start` itself. Each part (marketplace, executor, devnet) also reads its own variables
 * (see README.md); the values below are what the system derives or adds on top of them.
 */
export const systemEnvSchema = z.object({
  /** Everything `npm start` keeps: embedded database, deployment, demo wallets, keys. */
  GPUC_DATA_DIR: z.string().default(".data"),
  /** PostgreSQL for every part; unset: one embedded PostgreSQL server under `<GPUC_DATA_DIR>/pg`. */
  DATABASE_URL: z.url().optional(),
  /** A real Ergo node (with extraIndex); unset: the in-process devnet. */
  ERGO_NODE_URL: z.url().optional(),
  DEVNET_HOST: z.string().default("127.0.0.1"),
  DEVNET_PORT: z.coerce.number().int().min(0).max(65535).default(9052),
  /** A devnet block every N ms (0: only on demand). */
  DEVNET_BLOCK_MS: z.coerce.number().int().min(0).default(1000),
  /** Billing "hour" of the devnet deployment, in blocks (an hour passes in blocksPerHour × DEVNET_BLOCK_MS). */
  GPUC_BLOCKS_PER_HOUR: z.coerce.number().int().min(1).default(10),
  /** Price of 1 GPUC in nanoERG in the devnet deployment's Config. */
  GPUC_PRICE_NANOERG: z.coerce.bigint().positive().default(1_000_000_000n),
  /**
   * The devnet oracle pool's first ERG/USD rate, nanoERG per 1 USD: 1.5 ERG per USD (1 ERG ≈ $0.67, a round
   * figure near ERG's price in 2025). `gpuc devnet oracle-rate <USD per ERG>` moves it later.
   */
  ORACLE_NANOERG_PER_USD: z.coerce.bigint().positive().default(1_500_000_000n),
  /** The deployment JSON; written on the devnet's first start, required with ERGO_NODE_URL. */
  GPUC_DEPLOYMENT_FILE: z.string().optional(),
  /** ERG the devnet faucet gives each demo wallet (Alice, Bob) on first start. */
  GPUC_DEMO_FUND_ERG: z.coerce.bigint().nonnegative().default(1000n),
  /** Run an executor: auto (when a Docker engine answers), on (fail without Docker), off. */
  GPUC_EXECUTOR: z.enum(["auto", "on", "off"]).default("auto"),
  /** The wallet of the provider whose executor runs here (default: the demo provider, Bob). */
  GPUC_EXECUTOR_WALLET: z.string().optional(),
  GPUC_DOCKER_SOCKET: z.string().default("/var/run/docker.sock"),
  /**
   * Serve the web app at the marketplace's `/`: on (built on first start, then cached by its sources' hash) or
   * off. MARKETPLACE_WEB_DIR names a build of your own instead.
   */
  GPUC_WEB: z.enum(["on", "off"]).default("on"),
  /** Log level of the devnet (a line per block at info). */
  GPUC_DEVNET_LOG_LEVEL: level.default("warn"),
});

export type SystemEnv = z.infer<typeof systemEnvSchema>;

/** The system's settings plus the whole environment, handed on to each part's own config parser. */
export interface SystemConfig {
  readonly env: SystemEnv;
  /** Every variable (the parts parse theirs from it). */
  readonly raw: Readonly<Record<string, string | undefined>>;
  readonly dataDir: string;
  readonly deploymentFile: string;
  readonly walletsDir: string;
  readonly keysDir: string;
  readonly executorWallet: string;
}

/**
 * Parses the environment once for the whole system.
 *
 * @example
 * const system = await startSystem(loadSystemConfig());
 */
export function loadSystemConfig(env?: Record<string, string | undefined>): SystemConfig {
  // A loose object keeps every variable: the parts parse their own from this one snapshot.
  const raw = parseEnv(z.looseObject({}).transform(onlyStrings), env);
  const parsed = parseEnv(systemEnvSchema, raw);
  const dataDir = resolve(parsed.GPUC_DATA_DIR);
  const walletsDir = join(dataDir, "wallets");
  return {
    env: parsed,
    raw,
    dataDir,
    deploymentFile: resolve(parsed.GPUC_DEPLOYMENT_FILE ?? join(dataDir, "deployment.json")),
    walletsDir,
    keysDir: join(dataDir, "keys"),
    executorWallet: resolve(parsed.GPUC_EXECUTOR_WALLET ?? join(walletsDir, "bob.json")),
  };
}

function onlyStrings(values: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
}
