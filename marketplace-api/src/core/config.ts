import { DEFAULT_ESCROW_START_SLACK_BLOCKS } from "@gpuc/offchain";
import { loadOnrampConfig, type OnrampConfig } from "@gpuc/onramp";
import { parseEnv } from "@gpuc/platform";
import { loadRosenConfig, type RosenConfig } from "@gpuc/rosen-adapter";
import { z } from "zod";

const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** The marketplace's whole environment, parsed once (see `loadConfig`). */
export const envSchema = z
  .object({
    MARKETPLACE_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    MARKETPLACE_HOST: z.string().default("127.0.0.1"),
    /** PostgreSQL; when absent `startMarketplace` runs an embedded one under MARKETPLACE_DATA_DIR. */
    DATABASE_URL: z.string().url().optional(),
    MARKETPLACE_DATA_DIR: z.string().default(".data/marketplace"),
    ERGO_NETWORK: z.enum(["mainnet", "testnet"]).default("testnet"),
    /** The Ergo node (or devnet) the indexer follows; the indexer is off without it. */
    ERGO_NODE_URL: z.string().url().optional(),
    /** Deployment file written by `gpuc deploy` (token ids, contract trees). */
    GPUC_DEPLOYMENT_FILE: z.string().optional(),
    /** Ed25519 private key for credentials: PKCS8 PEM or a JWK (JSON); or a file holding either. */
    MARKETPLACE_JWT_PRIVATE_KEY: z.string().optional(),
    MARKETPLACE_JWT_PRIVATE_KEY_FILE: z.string().optional(),
    MARKETPLACE_JWT_KID: z.string().default("gpuc-marketplace-1"),
    /**
     * The marketplace's public origins (comma separated): named in the sign-in challenge, and the only ones an
     * EIP-28 `auth` signed message may name. Empty accepts any (refused on mainnet).
     */
    MARKETPLACE_AUTH_ORIGINS: z.string().default(""),
    MARKETPLACE_SESSION_TTL_S: seconds(24 * 3600),
    MARKETPLACE_CHALLENGE_TTL_S: seconds(300),
    /** Sign-in requests (challenge and verify, each) one client IP may make per MARKETPLACE_AUTH_RATE_WINDOW_S. */
    MARKETPLACE_AUTH_RATE_LIMIT: z.coerce.number().int().positive().default(30),
    MARKETPLACE_AUTH_RATE_WINDOW_S: seconds(60),
    /**
     * Express `trust proxy`: empty trusts none (the socket's address is the client's); a hop count (e.g. 1) or
     * addresses/subnets (e.g. "loopback, 10.0.0.0/8") of the reverse proxies in front of the marketplace.
     */
    MARKETPLACE_TRUST_PROXY: z.string().default(""),
    /** A built web app (`npm run build:web`: web/dist) served at `/` beside the API; none when unset. */
    MARKETPLACE_WEB_DIR: z.string().optional(),
    HEARTBEAT_INTERVAL_S: seconds(60),
    /** Missed heartbeats after which a provider's GPUs go offline. */
    HEARTBEAT_OFFLINE_AFTER: seconds(3),
    /** Missed heartbeats after which its rentals are closed (provider_down) and refunded. */
    HEARTBEAT_PROVIDER_DOWN_AFTER: seconds(5),
    /** Window over which reliability is computed. */
    RELIABILITY_WINDOW_S: seconds(7 * 24 * 3600),
    /**
     * Refuse heartbeats whose signed body lacks `providerId` (replayable to another provider of the same owner).
     * Off until every executor signs it.
     */
    HEARTBEAT_REQUIRE_PROVIDER_ID: z.stringbool().default(false),
    /** nanoERG of stake each listed GPU needs, used until the Config box is indexed. */
    MIN_STAKE_PER_GPU: z.coerce.bigint().nonnegative().default(1_000_000_000n),
    /** Arbiter secret (hex of a dlog secret key) for provider_down refunds. */
    ARBITER_SECRET_HEX: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/)
      .optional(),
    /** Wall-clock seconds of one billing hour (blocksPerHour × block time); credentials expire by it. */
    BILLING_HOUR_S: seconds(3600),
    /**
     * How many blocks before its inclusion an opening escrow's startHeight may lie (the marketplace builds it at the
     * height of the moment; the consumer signs and the node mines later). Later than the inclusion is always refused.
     */
    ESCROW_START_SLACK_BLOCKS: z.coerce.number().int().min(0).default(DEFAULT_ESCROW_START_SLACK_BLOCKS),
    /**
     * Blocks a rental reported Failed may keep its escrow unspent (the executor's own close settling it) before the
     * arbiter refunds the escrow to the consumer.
     */
    FAILED_ESCROW_REFUND_AFTER_BLOCKS: z.coerce.number().int().min(0).default(10),
    /** Rentals one wallet may hold awaiting funding (each reserves a GPU until funded or expired). */
    MAX_UNFUNDED_RENTALS: z.coerce.number().int().min(1).default(2),
    /** Seconds an executor has to answer a GPU verification challenge (run the benchmark, sign, post). */
    CHALLENGE_DEADLINE_S: seconds(300),
    /** Duration cap the benchmark is given (well under the deadline). */
    CHALLENGE_MAX_SECONDS: seconds(60),
    /** Measured below (1 − this) × the model's datasheet TFLOPS is `unverified`. */
    CHALLENGE_THRESHOLD: z.coerce.number().min(0).max(1).default(0.5),
    /** Mean seconds between random challenges of an idle offer. */
    CHALLENGE_MEAN_INTERVAL_S: seconds(6 * 3600),
    /** How often the challenge scheduler runs (listing challenges go out within one tick). */
    CHALLENGE_TICK_S: seconds(30),
    /**
     * Judge a CPU benchmark on a GPU listing against the CPU baseline (demo and CI machines without GPUs). Default:
     * on for testnet, off on mainnet (there a CPU answer for a GPU listing is `unverified`).
     */
    CHALLENGE_CPU_FOR_GPU: z.stringbool().optional(),
    /**
     * Answer searches from the in-memory offer index (gpus/offer-index.ts; a spec holds it equal to the SQL), which
     * at 100,000 offers serves several times the searches per second of PostgreSQL (`npm run bench:api`). false:
     * every search is SQL (the index's fallback while it cannot show it is current).
     */
    SEARCH_INDEX: z.stringbool().default(true),
    INDEXER_POLL_MS: z.coerce.number().int().positive().default(1000),
    INDEXER_START_HEIGHT: z.coerce.number().int().min(1).default(1),
  })
  .superRefine((env, ctx) => {
    // Without origins any site may relay our sign-in challenge to a user's wallet (phishing): not on mainnet.
    if (env.ERGO_NETWORK === "mainnet" && !originsOf(env.MARKETPLACE_AUTH_ORIGINS).length)
      ctx.addIssue({
        code: "custom",
        path: ["MARKETPLACE_AUTH_ORIGINS"],
        message: "on mainnet, set the marketplace's public origin(s), e.g. https://gpuc.example",
      });
  });

export type Env = z.infer<typeof envSchema>;

/** Settings in the shape services use. */
export interface MarketplaceConfig {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl?: string;
  readonly dataDir: string;
  readonly network: "mainnet" | "testnet";
  readonly ergoNodeUrl?: string;
  readonly deploymentFile?: string;
  readonly jwt: { readonly privateKey?: string; readonly privateKeyFile?: string; readonly kid: string };
  readonly auth: {
    readonly origins: readonly string[];
    readonly sessionTtlS: number;
    readonly challengeTtlS: number;
  };
  readonly authRateLimit: { readonly limit: number; readonly windowS: number };
  /** Express `trust proxy` (false: none). */
  readonly trustProxy: boolean | number | string;
  /** The web app's build folder, served at `/` (the API keeps `/api`). */
  readonly webDir?: string;
  readonly heartbeats: {
    readonly intervalS: number;
    readonly offlineAfter: number;
    readonly providerDownAfter: number;
    readonly reliabilityWindowS: number;
    readonly requireProviderId: boolean;
  };
  readonly minStakePerGpu: bigint;
  readonly billingHourS: number;
  readonly escrowStartSlackBlocks: number;
  readonly failedEscrowRefundAfterBlocks: number;
  readonly maxUnfundedRentals: number;
  readonly arbiterSecretHex?: string;
  readonly indexer: { readonly pollMs: number; readonly startHeight: number };
  /** Searches answered by the in-memory offer index (SEARCH_INDEX). */
  readonly searchIndex: boolean;
  /** GPU verification challenges (see challenges/). */
  readonly challenges: {
    readonly deadlineS: number;
    readonly maxSeconds: number;
    readonly threshold: number;
    readonly meanIntervalS: number;
    readonly tickS: number;
    readonly cpuForGpu: boolean;
  };
  /** The fiat on-ramp (its own variables, see @gpuc/onramp); off unless STRIPE_SECRET_KEY is set. */
  readonly onramp?: OnrampConfig;
  /** The Rosen Bridge adapter (its own variables, see @gpuc/rosen-adapter); off unless ROSEN_TOKEN_MAP is set. */
  readonly rosen?: RosenConfig;
}

/** Parses the environment (once, at start-up) into the marketplace config. */
export function loadConfig(env?: Record<string, string | undefined>): MarketplaceConfig {
  return {
    ...toConfig(parseEnv(envSchema, env)),
    onramp: loadOnrampConfig(env),
    rosen: loadRosenConfig(env),
  };
}

export function toConfig(env: Env): MarketplaceConfig {
  return {
    port: env.MARKETPLACE_PORT,
    host: env.MARKETPLACE_HOST,
    databaseUrl: env.DATABASE_URL,
    dataDir: env.MARKETPLACE_DATA_DIR,
    network: env.ERGO_NETWORK,
    ergoNodeUrl: env.ERGO_NODE_URL,
    deploymentFile: env.GPUC_DEPLOYMENT_FILE,
    jwt: {
      privateKey: env.MARKETPLACE_JWT_PRIVATE_KEY,
      privateKeyFile: env.MARKETPLACE_JWT_PRIVATE_KEY_FILE,
      kid: env.MARKETPLACE_JWT_KID,
    },
    auth: {
      origins: originsOf(env.MARKETPLACE_AUTH_ORIGINS),
      sessionTtlS: env.MARKETPLACE_SESSION_TTL_S,
      challengeTtlS: env.MARKETPLACE_CHALLENGE_TTL_S,
    },
    authRateLimit: { limit: env.MARKETPLACE_AUTH_RATE_LIMIT, windowS: env.MARKETPLACE_AUTH_RATE_WINDOW_S },
    trustProxy: trustProxyOf(env.MARKETPLACE_TRUST_PROXY),
    webDir: env.MARKETPLACE_WEB_DIR,
    heartbeats: {
      intervalS: env.HEARTBEAT_INTERVAL_S,
      offlineAfter: env.HEARTBEAT_OFFLINE_AFTER,
      providerDownAfter: env.HEARTBEAT_PROVIDER_DOWN_AFTER,
      reliabilityWindowS: env.RELIABILITY_WINDOW_S,
      requireProviderId: env.HEARTBEAT_REQUIRE_PROVIDER_ID,
    },
    minStakePerGpu: env.MIN_STAKE_PER_GPU,
    billingHourS: env.BILLING_HOUR_S,
    escrowStartSlackBlocks: env.ESCROW_START_SLACK_BLOCKS,
    failedEscrowRefundAfterBlocks: env.FAILED_ESCROW_REFUND_AFTER_BLOCKS,
    maxUnfundedRentals: env.MAX_UNFUNDED_RENTALS,
    arbiterSecretHex: env.ARBITER_SECRET_HEX,
    indexer: { pollMs: env.INDEXER_POLL_MS, startHeight: env.INDEXER_START_HEIGHT },
    searchIndex: env.SEARCH_INDEX,
    challenges: {
      deadlineS: env.CHALLENGE_DEADLINE_S,
      maxSeconds: env.CHALLENGE_MAX_SECONDS,
      threshold: env.CHALLENGE_THRESHOLD,
      meanIntervalS: env.CHALLENGE_MEAN_INTERVAL_S,
      tickS: env.CHALLENGE_TICK_S,
      cpuForGpu: env.CHALLENGE_CPU_FOR_GPU ?? env.ERGO_NETWORK === "testnet",
    },
  };
}

function trustProxyOf(value: string): boolean | number | string {
  const trimmed = value.trim();
  if (trimmed === "" || trimmed === "false") return false;
  return /^\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
}

function originsOf(list: string): string[] {
  return list
    .split(",")
    .map((origin) => origin.trim())
    .filter(Boolean);
}

/** The config with every default, for tests and embedded runs; override what matters. */
export function defaultConfig(overrides: Partial<MarketplaceConfig> = {}): MarketplaceConfig {
  return { ...loadConfig({}), ...overrides };
}
