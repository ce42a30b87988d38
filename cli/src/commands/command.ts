import { existsSync } from "node:fs";
import { readDeployment } from "@gpuc/offchain";
import type { Gpuc } from "../actions/context.ts";
import { ChainContext } from "../core/chain.ts";
import type { CliConfig } from "../core/config.ts";
import { DeploymentMissingError, UsageError } from "../core/errors.ts";
import { marketplaceFor } from "../core/market.ts";
import type { Output } from "../core/output.ts";
import { readWalletFile } from "../core/wallet-file.ts";

export type OptionSpec = Readonly<
  Record<
    string,
    { type: "string" | "boolean"; short?: string; multiple?: boolean; default?: string | boolean }
  >
>;
export type OptionValues = Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;

/** What a command runs with: its arguments, the CLI config, where to print, and the wallet session on demand. */
export interface CommandEnv {
  readonly positionals: readonly string[];
  readonly values: OptionValues;
  readonly config: CliConfig;
  readonly output: Output;
  /** The wallet, chain and marketplace (read on first use: commands without a wallet never need one). */
  session(): Gpuc;
}

export interface Command {
  readonly usage: string;
  readonly summary: string;
  readonly options?: OptionSpec;
  run(env: CommandEnv): Promise<void>;
}

export function createSession(config: CliConfig, output: Output): () => Gpuc {
  let session: Gpuc | undefined;
  return () => {
    if (session) return session;
    const wallet = readWalletFile(config.walletPath);
    if (!existsSync(config.deploymentFile)) throw new DeploymentMissingError(config.deploymentFile);
    const deployment = readDeployment(config.deploymentFile);
    session = {
      wallet,
      chain: new ChainContext(config.nodeUrl, deployment, output, config.confirmTimeoutMs),
      market: marketplaceFor(config.marketplaceUrl, wallet.signer),
      output,
    };
    return session;
  };
}

/** The single positional argument a command needs. */
export function argument(env: CommandEnv, name: string, usage: string): string {
  const value = env.positionals[0];
  if (!value) throw new UsageError(`Missing <${name}>. Usage: ${usage}`);
  return value;
}

export function stringOption(env: CommandEnv, name: string, usage: string): string {
  const value = env.values[name];
  if (typeof value !== "string" || value.length === 0)
    throw new UsageError(`Missing --${name}. Usage: ${usage}`);
  return value;
}

export function optionalString(env: CommandEnv, name: string): string | undefined {
  const value = env.values[name];
  return typeof value === "string" ? value : undefined;
}

export function integerOption(env: CommandEnv, name: string, usage: string): number {
  const text = stringOption(env, name, usage);
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0)
    throw new UsageError(`--${name} must be a positive whole number`);
  return value;
}
