import { parseEnv } from "@gpuc/platform";
import { z } from "zod";

const devnetEnv = z.object({
  DEVNET_PORT: z.coerce.number().int().min(0).max(65_535).default(9052),
  DEVNET_HOST: z.string().min(1).default("127.0.0.1"),
  DEVNET_BLOCK_MS: z.coerce.number().int().min(0).default(2000),
  DEVNET_NETWORK: z.enum(["testnet", "mainnet"]).default("testnet"),
  /** PostgreSQL; absent: embedded PostgreSQL in DEVNET_DATA_DIR. */
  DATABASE_URL: z.string().url().optional(),
  DEVNET_DATA_DIR: z.string().min(1).default(".data/devnet-pg"),
});

export type DevnetEnv = z.infer<typeof devnetEnv>;

/** The standalone devnet's configuration, read once from the environment. */
export function devnetConfig(env?: Record<string, string | undefined>): DevnetEnv {
  return parseEnv(devnetEnv, env);
}
