import { MAINNET_ERG_USD_POOL_NFT } from "@gpuc/offchain";
import { ConfigError, parseEnv, readSecret } from "@gpuc/platform";
import { z } from "zod";

const cents = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** The on-ramp's environment, parsed once (see `loadOnrampConfig`). Secrets are read apart, never logged. */
export const onrampEnvSchema = z.object({
  /** Stripe's API, or a stand-in of it (tests); the official client's host/port/protocol come from it. */
  STRIPE_API_BASE: z.url().optional(),
  /** Where Checkout sends the buyer back: `{origin}/onramp/orders/{id}` (success) and `…?cancelled=1`. */
  ONRAMP_PUBLIC_URL: z.url().default("http://127.0.0.1:8080"),
  /** The operator's margin over the oracle price, basis points. */
  ONRAMP_SPREAD_BPS: z.coerce.number().int().min(0).max(5_000).default(100),
  /** Stripe's card fee (US cards: 2.9 % + 30 ¢), passed on and shown apart. */
  ONRAMP_STRIPE_FEE_BPS: z.coerce.number().int().min(0).max(2_000).default(290),
  ONRAMP_STRIPE_FEE_FIXED_CENTS: z.coerce.number().int().min(0).max(1_000).default(30),
  ONRAMP_QUOTE_TTL_S: z.coerce.number().int().min(30).max(86_400).default(600),
  ONRAMP_MIN_ORDER_CENTS: cents(500),
  ONRAMP_MAX_ORDER_CENTS: cents(50_000),
  /** What one address may buy in 24 hours, and what all addresses together may. */
  ONRAMP_DAILY_LIMIT_CENTS: cents(100_000),
  ONRAMP_DAILY_TOTAL_CENTS: cents(10_000_000),
  ONRAMP_POOL_NFT: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .default(MAINNET_ERG_USD_POOL_NFT),
  /** A pool box older than this (blocks since it was written) prices nothing. */
  ONRAMP_MAX_ORACLE_AGE_BLOCKS: z.coerce.number().int().positive().default(60),
  /** Blocks on top of a delivery before its order is `delivered`. */
  ONRAMP_CONFIRMATIONS: z.coerce.number().int().min(1).max(720).default(3),
  /** Orders one delivery transaction pays at most. */
  ONRAMP_MAX_BATCH: z.coerce.number().int().min(1).max(200).default(50),
  ERGO_NETWORK: z.enum(["mainnet", "testnet"]).default("testnet"),
});

export interface OnrampConfig {
  readonly stripe: { readonly secretKey: string; readonly webhookSecret: string; readonly apiBase?: string };
  /** The float wallet's 32-byte secret (hex): the GPUC it holds is what orders are paid from. */
  readonly floatSecretHex: string;
  readonly publicUrl: string;
  readonly spreadBps: number;
  readonly stripeFee: { readonly bps: number; readonly fixedCents: number };
  readonly quoteTtlS: number;
  readonly limits: {
    readonly minOrderCents: number;
    readonly maxOrderCents: number;
    readonly dailyPerAddressCents: number;
    readonly dailyTotalCents: number;
  };
  readonly oracle: { readonly poolNftId: string; readonly maxAgeBlocks: number };
  readonly confirmations: number;
  readonly maxBatch: number;
  readonly network: "mainnet" | "testnet";
}

/**
 * The on-ramp's configuration, or undefined when it is off (no STRIPE_SECRET_KEY): the marketplace then runs
 * without it. Once the key is set, the webhook secret and the float wallet are required too.
 */
export function loadOnrampConfig(
  env: Record<string, string | undefined> = process.env,
): OnrampConfig | undefined {
  const secretKey = readSecret(env, "STRIPE_SECRET_KEY");
  if (!secretKey) return undefined;
  const parsed = parseEnv(onrampEnvSchema, env);
  const webhookSecret = required(
    env,
    "STRIPE_WEBHOOK_SECRET",
    "the signing secret of the webhook endpoint (whsec_…)",
  );
  const floatSecretHex = required(
    env,
    "ONRAMP_FLOAT_SECRET_HEX",
    "the float wallet's secret key (64 hex characters)",
  );
  if (!/^[0-9a-fA-F]{64}$/.test(floatSecretHex))
    throw new ConfigError(["ONRAMP_FLOAT_SECRET_HEX: must be 64 hex characters (a secret key)"]);
  return {
    stripe: { secretKey, webhookSecret, apiBase: parsed.STRIPE_API_BASE },
    floatSecretHex,
    publicUrl: parsed.ONRAMP_PUBLIC_URL.replace(/\/$/, ""),
    spreadBps: parsed.ONRAMP_SPREAD_BPS,
    stripeFee: { bps: parsed.ONRAMP_STRIPE_FEE_BPS, fixedCents: parsed.ONRAMP_STRIPE_FEE_FIXED_CENTS },
    quoteTtlS: parsed.ONRAMP_QUOTE_TTL_S,
    limits: {
      minOrderCents: parsed.ONRAMP_MIN_ORDER_CENTS,
      maxOrderCents: parsed.ONRAMP_MAX_ORDER_CENTS,
      dailyPerAddressCents: parsed.ONRAMP_DAILY_LIMIT_CENTS,
      dailyTotalCents: parsed.ONRAMP_DAILY_TOTAL_CENTS,
    },
    oracle: { poolNftId: parsed.ONRAMP_POOL_NFT, maxAgeBlocks: parsed.ONRAMP_MAX_ORACLE_AGE_BLOCKS },
    confirmations: parsed.ONRAMP_CONFIRMATIONS,
    maxBatch: parsed.ONRAMP_MAX_BATCH,
    network: parsed.ERGO_NETWORK,
  };
}

function required(env: Record<string, string | undefined>, name: string, what: string): string {
  const value = readSecret(env, name);
  if (!value)
    throw new ConfigError([`${name}: STRIPE_SECRET_KEY is set, so set ${name} (or ${name}_FILE): ${what}`]);
  return value;
}
