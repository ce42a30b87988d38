import type { NetworkName } from "@gpuc/ergoscript";
import {
  type ConfigSettings,
  DEFAULT_PARAMS,
  NodeChainClient,
  type StableToken,
  toErgoTree,
} from "@gpuc/offchain";
import { parseErg } from "@gpuc/sdk";
import { deploy as deployProtocol } from "../actions/deploy.ts";
import { UsageError } from "../core/errors.ts";
import { readWalletFile } from "../core/wallet-file.ts";
import type { CommandEnv } from "./command.ts";
import { WHOLE_PARAMS } from "./deploy.params.ts";

export async function deploy(env: CommandEnv): Promise<void> {
  const out = env.values.out;
  if (typeof out !== "string" || out.length === 0) throw new UsageError(`Missing --out. Usage: ${env.usage}`);
  const wallet = readWalletFile(env.config.walletPath);
  const settings = settingsFrom(env, wallet.address);
  const deployment = await deployProtocol({
    chain: new NodeChainClient(env.config.nodeUrl),
    signer: wallet.signer,
    network: networkFrom(env),
    settings,
    outputPath: out,
    overwrite: env.values.force === true,
    confirmations: whole(env, "confirmations", 1, 1000),
    confirmTimeoutMs: env.config.confirmTimeoutMs,
    output: env.output,
  });
  env.output.result(
    { path: out, deployment, settings },
    [
      `Deployed GPUC on ${deployment.network} at height ${deployment.createdAtHeight}; wrote ${out}`,
      `GPUC token:  ${deployment.gpucTokenId}`,
      `Config NFT:  ${deployment.configNftId}`,
      `Bank NFT:    ${deployment.bankNftId}`,
      `Use it with GPUC_DEPLOYMENT_FILE=${out} (CLI, marketplace, executor).`,
    ].join("\n"),
  );
}

function settingsFrom(env: CommandEnv, walletAddress: string): ConfigSettings {
  const params = Object.fromEntries(
    WHOLE_PARAMS.map(([flag, param, min, max]) => [param, whole(env, flag, min, max)]),
  );
  const settings: ConfigSettings = {
    ...DEFAULT_PARAMS,
    ...params,
    minStakePerGpu: parseErg(String(env.values["min-stake-per-gpu"]), "--min-stake-per-gpu"),
    price: parseErg(String(env.values.price), "--price"),
    whitelist: stables(env),
    admin: address(env, "admin", walletAddress),
    arbiter: address(env, "arbiter", walletAddress),
    treasury: address(env, "treasury", walletAddress),
  };
  if (settings.liquidationRatioPct > settings.collateralRatioPct) {
    throw new UsageError(
      `--liquidation-ratio (${settings.liquidationRatioPct}) must not exceed --collateral-ratio (${settings.collateralRatioPct}): an account drawn to the limit would be liquidatable at once`,
    );
  }
  return settings;
}

function whole(env: CommandEnv, flag: string, min: number, max: number): number {
  const text = String(env.values[flag]);
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}, not "${text}"`);
  }
  return value;
}

function address(env: CommandEnv, flag: string, fallback: string): string {
  const value = env.values[flag];
  if (value === undefined) return fallback;
  const text = String(value);
  try {
    toErgoTree(text);
  } catch {
    throw new UsageError(`--${flag} must be an Ergo address (or an ErgoTree in hex), not "${text}"`);
  }
  return text;
}

function stables(env: CommandEnv): StableToken[] {
  const values = env.values.stable;
  const list = Array.isArray(values) ? values.map(String) : [];
  return list.map((entry) => {
    const match = /^([0-9a-fA-F]{64}):(\d+)$/.exec(entry);
    if (!match || BigInt(match[2]!) <= 0n) {
      throw new UsageError(
        `--stable must be <token id (64 hex)>:<GPUC units per token unit> (SigUSD: <id>:10000), not "${entry}"`,
      );
    }
    return { tokenId: match[1]!.toLowerCase(), rate: BigInt(match[2]!) };
  });
}

function networkFrom(env: CommandEnv): NetworkName {
  const value = env.values.network ?? env.config.network;
  if (value !== "mainnet" && value !== "testnet" && value !== "devnet") {
    throw new UsageError(`--network must be mainnet, testnet or devnet, not "${String(value)}"`);
  }
  return value;
}
