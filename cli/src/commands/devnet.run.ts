import { join } from "node:path";
import {
  type ChainClient,
  NodeChainClient,
  OraclePoolNotFoundError,
  readOraclePool,
  waitForConfirmations,
} from "@gpuc/offchain";
import { formatAmount, parseAmount } from "@gpuc/sdk";
import { NotFoundOnChainError, UsageError, WaitTimeoutError } from "../core/errors.ts";
import { keyValues } from "../core/table.ts";
import { readWalletFile } from "../core/wallet-file.ts";
import { readDevnetOraclePool, setDevnetOracleRate } from "../system/oracle-pool.ts";
import type { CommandEnv } from "./command.ts";

const NANOERG_PER_ERG = 1_000_000_000n;
/** Decimals a typed USD-per-ERG rate may have. */
const RATE_DECIMALS = 9;
/** Decimals the USD price of 1 ERG is shown with. */
const SHOWN_DECIMALS = 4;

export async function oracleRate(env: CommandEnv): Promise<void> {
  const pool = readDevnetOraclePool(env.config.dataDir);
  const chain = new NodeChainClient(env.config.nodeUrl);
  const text = env.positionals[0];
  if (text === undefined) {
    const current = await onChain(() =>
      readOraclePool(chain, { poolNftId: pool.nftId, maxAgeBlocks: Number.MAX_SAFE_INTEGER }),
    );
    const { box: _box, ...reading } = current;
    env.output.result(
      { ...reading, nftId: pool.nftId, usdPerErg: usdPerErg(current.nanoErgPerUsd) },
      keyValues([
        ["rate", `1 ERG = $${usdPerErg(current.nanoErgPerUsd)} (${current.nanoErgPerUsd} nanoERG per USD)`],
        ["epoch", String(current.epoch)],
        ["posted", `at height ${current.creationHeight}, ${current.ageBlocks} blocks ago`],
        ["pool NFT", pool.nftId],
      ]),
    );
    return;
  }
  const nanoErgPerUsd = nanoErgPerUsdOf(text, env.usage);
  const operator = readWalletFile(join(env.config.dataDir, "wallets", "admin.json"));
  const set = await onChain(() =>
    setDevnetOracleRate({
      chain,
      operator,
      nftId: pool.nftId,
      nanoErgPerUsd,
      confirm: (txId) => confirmed(chain, txId, env),
    }),
  );
  env.output.result(
    { ...set, usdPerErg: usdPerErg(set.nanoErgPerUsd) },
    [
      `Posted 1 ERG = $${usdPerErg(set.nanoErgPerUsd)} (${set.nanoErgPerUsd} nanoERG per USD) to the devnet oracle pool, epoch ${set.epoch}`,
      `was 1 ERG = $${usdPerErg(set.previousNanoErgPerUsd)}; transaction ${set.txId}`,
    ].join("\n"),
  );
}

/** "0.65" USD per ERG → 1,538,461,538 nanoERG per USD (rounded to the nearest). */
export function nanoErgPerUsdOf(text: string, usage: string): bigint {
  const scaled = parseAmount(text, RATE_DECIMALS, "<USD per ERG>");
  const scale = 10n ** BigInt(RATE_DECIMALS);
  const rate = (NANOERG_PER_ERG * scale + scaled / 2n) / scaled;
  if (rate === 0n)
    throw new UsageError(`<USD per ERG> "${text}" is too high: a USD would be 0 nanoERG. Usage: ${usage}`);
  return rate;
}

/** 1,500,000,000 nanoERG per USD → "0.6667" (USD per ERG, rounded to the nearest). */
function usdPerErg(nanoErgPerUsd: bigint): string {
  const scale = 10n ** BigInt(SHOWN_DECIMALS);
  return formatAmount((NANOERG_PER_ERG * scale + nanoErgPerUsd / 2n) / nanoErgPerUsd, SHOWN_DECIMALS);
}

async function confirmed(chain: ChainClient, txId: string, env: CommandEnv): Promise<void> {
  env.output.progress(`oracle rate: submitted ${txId}`);
  try {
    await waitForConfirmations(chain, txId, 1, { timeoutMs: env.config.confirmTimeoutMs, pollMs: 250 });
  } catch (error) {
    if (error instanceof Error && error.name === "ConfirmationTimeoutError") {
      throw new WaitTimeoutError(
        `oracle rate: transaction ${txId} was not confirmed in time; check it later`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
}

/** A pool the chain does not have exits 5, as everything else that is not on chain. */
async function onChain<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof OraclePoolNotFoundError) {
      throw new NotFoundOnChainError(`${error.message} (is ERGO_NODE_URL the devnet of this data dir?)`, {
        cause: error,
      });
    }
    throw error;
  }
}
