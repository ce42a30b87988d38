import type { Amount, Box } from "@fleet-sdk/common";
import type { ChainClient } from "../../chain/chainClient.ts";
import { InvalidAmountError } from "../errors/invalidAmount.ts";
import { MalformedOraclePoolBoxError } from "../errors/malformedOraclePoolBox.ts";
import { OraclePoolNotFoundError } from "../errors/oraclePoolNotFound.ts";
import { OraclePriceStaleError } from "../errors/oraclePriceStale.ts";
import { readConstant } from "../registers.ts";

// An oracle pool box (EIP-23, Oracle Pool v2): token 0 the pool NFT, token 1 the reward tokens still to emit,
// R4 `Long` the rate, R5 `Int` the epoch counter, and the creation height the epoch's start (the refresh
// contract makes every new pool box at most a few blocks older than its inclusion). Other dApps read it as a
// data input. On the mainnet ERG/USD pool the rate is nanoERG per 1 USD.

/** Pool NFT of Ergo's mainnet ERG/USD oracle pool (EIP-23): R4 is nanoERG per 1 USD. */
export const MAINNET_ERG_USD_POOL_NFT = "011d3364de07e5a26f0c4eef0852cddb387039a921b7154ef3cab22c6eda887f";

/** What an ERG/USD oracle pool box says, typed. */
export interface OraclePoolState {
  readonly boxId: string;
  /** R4: nanoERG per 1 USD (1 ERG at $0.50 reads 2,000,000,000). */
  readonly nanoErgPerUsd: bigint;
  /** R5: how many times the pool has been refreshed. */
  readonly epoch: number;
  /** The height the rate was posted at (the epoch's start). */
  readonly creationHeight: number;
  /** The height of the block that holds the box, when the source says (an indexer's box). */
  readonly inclusionHeight?: number;
  /** The box itself, to add as a data input of a transaction priced on it. */
  readonly box: Box<Amount>;
}

/** An oracle pool's state as read from the chain, with how long ago its rate was posted. */
export interface OraclePoolReading extends OraclePoolState {
  /** Current height − the pool box's creation height. */
  readonly ageBlocks: number;
}

export interface ReadOraclePoolOptions {
  /** The pool's NFT id (mainnet ERG/USD: `MAINNET_ERG_USD_POOL_NFT`). */
  readonly poolNftId: string;
  /** Refuse a rate posted more than this many blocks ago (the mainnet pool refreshes every ~30 blocks). */
  readonly maxAgeBlocks: number;
}

/**
 * Reads an oracle pool box (EIP-23). Chain data is untrusted: refuses with `MalformedOraclePoolBoxError` unless
 * token 0 is the pool NFT (one of it), R4 a positive `Long` and R5 an `Int`.
 *
 * @example
 * const pool = parseOraclePoolBox(box, MAINNET_ERG_USD_POOL_NFT); // { nanoErgPerUsd: 1_600_000_000n, epoch: 5210, … }
 */
export function parseOraclePoolBox(
  box: Box<Amount> & { readonly inclusionHeight?: number },
  poolNftId: string,
): OraclePoolState {
  const nft = box.assets[0];
  if (nft?.tokenId !== poolNftId || BigInt(nft.amount) !== 1n) {
    throw new MalformedOraclePoolBoxError(box.boxId, "token 0", `one pool NFT ${poolNftId}`);
  }
  const rate = readConstant(box.additionalRegisters.R4, "SLong");
  if (rate === undefined || rate <= 0n) {
    throw new MalformedOraclePoolBoxError(box.boxId, "R4", "a positive Long (the rate)");
  }
  const epoch = readConstant(box.additionalRegisters.R5, "SInt");
  if (epoch === undefined)
    throw new MalformedOraclePoolBoxError(box.boxId, "R5", "an Int (the epoch counter)");
  // The node's indexer says 0 for a box that is only in the mempool.
  const included = box.inclusionHeight ? { inclusionHeight: box.inclusionHeight } : {};
  return {
    boxId: box.boxId,
    nanoErgPerUsd: rate,
    epoch,
    creationHeight: box.creationHeight,
    ...included,
    box,
  };
}

/**
 * The current rate of an oracle pool: its confirmed unspent pool box, parsed, with its age. Throws
 * `OraclePoolNotFoundError` when no box holds the NFT and `OraclePriceStaleError` when the rate is older than
 * `maxAgeBlocks`.
 *
 * @example
 * const { nanoErgPerUsd, box } = await readOraclePool(chain, { poolNftId: MAINNET_ERG_USD_POOL_NFT, maxAgeBlocks: 90 });
 */
export async function readOraclePool(
  chain: ChainClient,
  options: ReadOraclePoolOptions,
): Promise<OraclePoolReading> {
  const { poolNftId, maxAgeBlocks } = options;
  if (!Number.isInteger(maxAgeBlocks) || maxAgeBlocks < 0) {
    throw new InvalidAmountError("maxAgeBlocks", maxAgeBlocks, "a whole number of blocks, 0 or more");
  }
  // Confirmed boxes only, and still the confirmed one while a refresh waits in the mempool: the age is measured
  // against the chain's height, and a data input must be in the UTXO set.
  const [boxes, height] = await Promise.all([
    chain.unspentByTokenId(poolNftId, { includeUnconfirmed: false, excludeMempoolSpent: false }),
    chain.height(),
  ]);
  if (boxes.length === 0) throw new OraclePoolNotFoundError(poolNftId);
  if (boxes.length > 1) {
    throw new MalformedOraclePoolBoxError(
      boxes[0]!.boxId,
      "token 0",
      `an NFT (${boxes.length} boxes hold it)`,
    );
  }
  const pool = parseOraclePoolBox(boxes[0]!, poolNftId);
  const ageBlocks = Math.max(0, height - pool.creationHeight);
  if (ageBlocks > maxAgeBlocks)
    throw new OraclePriceStaleError(poolNftId, pool.boxId, ageBlocks, maxAgeBlocks);
  return { ...pool, ageBlocks };
}
