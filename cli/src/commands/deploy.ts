import type { NetworkName } from "@gpuc/ergoscript";
import {
  type ConfigSettings,
  DEFAULT_PARAMS,
  NodeChainClient,
  type ProtocolParams,
  type StableToken,
  toErgoTree,
} from "@gpuc/offchain";
import { formatAmount, parseErg } from "@gpuc/sdk";
import { deploy } from "../actions/deploy.ts";
import { UsageError } from "../core/errors.ts";
import { readWalletFile } from "../core/wallet-file.ts";
import type { Command, CommandEnv, OptionSpec } from "./command.ts";

/** 1 GPUC = 1 ERG unless `--price` says otherwise (the price the devnet of `npm start` uses). */
export const DEFAULT_PRICE_NANOERG = 1_000_000_000n;

/** The protocol parameters that are whole numbers (counts, ratios, basis points). */
type WholeParam = Exclude<keyof ProtocolParams, "minStakePerGpu">;

/** Whole-number protocol parameters: flag, parameter, smallest and largest allowed value. */
const WHOLE: readonly [flag: string, param: WholeParam, min: number, max: number][] = [
  ["fee-bps", "feeBps", 0, 10_000],
  ["blocks-per-hour", "blocksPerHour", 1, 1_000_000],
  ["unbonding-blocks", "unbondingBlocks", 0, 10_000_000],
  ["collateral-ratio", "collateralRatioPct", 100, 100_000],
  ["liquidation-ratio", "liquidationRatioPct", 100, 100_000],
  ["swap-fee-bps", "swapFeeBps", 0, 10_000],
  ["dispute-grace-blocks", "disputeGraceBlocks", 0, 10_000_000],
  ["liquidation-penalty-bps", "liquidationPenaltyBps", 0, 10_000],
];

const options: OptionSpec = {
  out: { type: "string" },
  force: { type: "boolean" },
  network: { type: "string" },
  confirmations: { type: "string", default: "1" },
  ...Object.fromEntries(
    WHOLE.map(([flag, param]) => [flag, { type: "string", default: String(DEFAULT_PARAMS[param]) }]),
  ),
  "min-stake-per-gpu": { type: "string", default: formatAmount(DEFAULT_PARAMS.minStakePerGpu, 9) },
  price: { type: "string", default: formatAmount(DEFAULT_PRICE_NANOERG, 9) },
  stable: { type: "string", multiple: true },
  arbiter: { type: "string" },
  treasury: { type: "string" },
  admin: { type: "string" },
};

const USAGE = [
  "gpuc deploy --out <deployment.json> [--force] [--network mainnet|testnet|devnet] [--confirmations 1]",
  `             [--fee-bps ${DEFAULT_PARAMS.feeBps}] [--blocks-per-hour ${DEFAULT_PARAMS.blocksPerHour}] [--min-stake-per-gpu <ERG> (${formatAmount(DEFAULT_PARAMS.minStakePerGpu, 9)})]`,
  `             [--unbonding-blocks ${DEFAULT_PARAMS.unbondingBlocks}] [--collateral-ratio ${DEFAULT_PARAMS.collateralRatioPct}] [--liquidation-ratio ${DEFAULT_PARAMS.liquidationRatioPct}]`,
  `             [--liquidation-penalty-bps ${DEFAULT_PARAMS.liquidationPenaltyBps}] [--swap-fee-bps ${DEFAULT_PARAMS.swapFeeBps}] [--dispute-grace-blocks ${DEFAULT_PARAMS.disputeGraceBlocks}]`,
  "             [--price <ERG per GPUC> (1)] [--stable <token id>:<GPUC units per token unit>]...",
  "             [--arbiter <address>] [--treasury <address>] [--admin <address>]   (each: the wallet's address)",
].join("\n");

export const deployCommand: Command = {
  usage: USAGE,
  summary:
    "Deploy the GPUC protocol on ERGO_NODE_URL's chain with the wallet's ERG (mints the Config NFT, Bank NFT and GPUC supply, creates the Config and Bank boxes) and write the deployment JSON",
  options,
  async run(env) {
    const out = env.values.out;
    if (typeof out !== "string" || out.length === 0) throw new UsageError(`Missing --out. Usage: ${USAGE}`);
    const wallet = readWalletFile(env.config.walletPath);
    const settings = settingsFrom(env, wallet.address);
    const deployment = await deploy({
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
  },
};

function settingsFrom(env: CommandEnv, walletAddress: string): ConfigSettings {
  const params = Object.fromEntries(
    WHOLE.map(([flag, param, min, max]) => [param, whole(env, flag, min, max)]),
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
