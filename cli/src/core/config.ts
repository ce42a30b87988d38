import { homedir } from "node:os";
import { join } from "node:path";
import { parseEnv } from "@gpuc/platform";
import { z } from "zod";

/** Every setting of the `gpuc` CLI, from the environment, with its default. */
export const cliEnvSchema = z.object({
  /** The wallet file (a mnemonic, mode 0600). */
  GPUC_WALLET: z.string().min(1).optional(),
  GPUC_MARKETPLACE_URL: z.url().default("http://127.0.0.1:8080"),
  /** The Ergo node (or the devnet of `npm start`). */
  ERGO_NODE_URL: z.url().default("http://127.0.0.1:9052"),
  /** Where `npm start` keeps its state; the deployment file is looked for in it. */
  GPUC_DATA_DIR: z.string().default(".data"),
  /** The protocol deployment (token ids, contracts); default `<GPUC_DATA_DIR>/deployment.json`. */
  GPUC_DEPLOYMENT_FILE: z.string().optional(),
  /** Reach executors here instead of the endpoint the marketplace shows for an instance. */
  GPUC_EXECUTOR_URL: z.url().optional(),
  GPUC_NETWORK: z.enum(["mainnet", "testnet"]).default("testnet"),
  /** How long to wait for a transaction's confirmation. */
  GPUC_CONFIRM_TIMEOUT_S: z.coerce.number().positive().default(600),
});

export interface CliConfig {
  readonly walletPath: string;
  readonly dataDir: string;
  readonly marketplaceUrl: string;
  readonly nodeUrl: string;
  readonly deploymentFile: string;
  readonly executorUrl?: string;
  readonly network: "mainnet" | "testnet";
  readonly confirmTimeoutMs: number;
}

/** Reads the CLI's environment once. */
export function loadCliConfig(env?: Record<string, string | undefined>): CliConfig {
  const parsed = parseEnv(cliEnvSchema, env);
  return {
    walletPath: parsed.GPUC_WALLET ?? join(homedir(), ".gpuc", "wallet.json"),
    dataDir: parsed.GPUC_DATA_DIR,
    marketplaceUrl: parsed.GPUC_MARKETPLACE_URL,
    nodeUrl: parsed.ERGO_NODE_URL,
    deploymentFile: parsed.GPUC_DEPLOYMENT_FILE ?? join(parsed.GPUC_DATA_DIR, "deployment.json"),
    executorUrl: parsed.GPUC_EXECUTOR_URL,
    network: parsed.GPUC_NETWORK,
    confirmTimeoutMs: parsed.GPUC_CONFIRM_TIMEOUT_S * 1000,
  };
}
