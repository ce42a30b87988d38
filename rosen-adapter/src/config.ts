import { ConfigError, parseEnv } from "@gpuc/platform";
import { z } from "zod";
import { MAINNET_LOCK_ADDRESS, MAINNET_MIN_FEE_NFT } from "./lock/lockContract.ts";
import { MAINNET_TOKEN_MAP } from "./tokens/tokenMapFile.ts";

/** The Rosen adapter's environment (see `loadRosenConfig`); mainnet values by default. */
export const rosenEnvSchema = z.object({
  /** The token map file; `mainnet` is the vendored Rosen mainnet map. Unset: the bridge is off. */
  ROSEN_TOKEN_MAP: z.string().optional(),
  /** Rosen's lock address on Ergo (mainnet: Lock.es with Rosen's GuardNFT, from its contracts release). */
  ROSEN_LOCK_ADDRESS: z.string().min(30).default(MAINNET_LOCK_ADDRESS),
  ROSEN_MIN_FEE_NFT: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .default(MAINNET_MIN_FEE_NFT),
  /** Blocks on top of a deposit before it counts as confirmed (and the page is told). */
  ROSEN_DEPOSIT_CONFIRMATIONS: z.coerce.number().int().min(1).max(720).default(3),
  ROSEN_APP_URL: z.url().default("https://app.rosen.tech"),
  /** The ERG/USD oracle pool the whitelist rates are priced with (as the on-ramp). */
  ROSEN_POOL_NFT: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  ERGO_NETWORK: z.enum(["mainnet", "testnet"]).default("testnet"),
});

export interface RosenConfig {
  readonly tokenMap: string | URL;
  readonly lockAddress: string;
  readonly minFeeNft: string;
  readonly confirmations: number;
  readonly rosenAppUrl: string;
  readonly poolNftId?: string;
  readonly network: "mainnet" | "testnet";
}

/** The adapter's configuration, or undefined when ROSEN_TOKEN_MAP is unset (the marketplace runs without it). */
export function loadRosenConfig(
  env: Record<string, string | undefined> = process.env,
): RosenConfig | undefined {
  const parsed = parseEnv(rosenEnvSchema, env);
  if (!parsed.ROSEN_TOKEN_MAP) return undefined;
  if (parsed.ROSEN_TOKEN_MAP === "mainnet" && parsed.ERGO_NETWORK !== "mainnet")
    throw new ConfigError([
      "ROSEN_TOKEN_MAP=mainnet needs ERGO_NETWORK=mainnet (or name a testnet/devnet map file)",
    ]);
  return {
    tokenMap: parsed.ROSEN_TOKEN_MAP === "mainnet" ? MAINNET_TOKEN_MAP : parsed.ROSEN_TOKEN_MAP,
    lockAddress: parsed.ROSEN_LOCK_ADDRESS,
    minFeeNft: parsed.ROSEN_MIN_FEE_NFT,
    confirmations: parsed.ROSEN_DEPOSIT_CONFIRMATIONS,
    rosenAppUrl: parsed.ROSEN_APP_URL,
    poolNftId: parsed.ROSEN_POOL_NFT,
    network: parsed.ERGO_NETWORK,
  };
}
