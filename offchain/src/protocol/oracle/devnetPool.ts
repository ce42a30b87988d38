import type { Amount, Box, EIP12UnsignedTransaction } from "@fleet-sdk/common";
import { type FleetPlugin, OutputBuilder, SAFE_MIN_BOX_VALUE } from "@fleet-sdk/core";
import { SInt, SLong } from "@fleet-sdk/serializer";
import { buildWithWallet, type WalletContext } from "../credit/wallet.ts";
import { InvalidAmountError } from "../errors/invalidAmount.ts";
import { MalformedOraclePoolBoxError } from "../errors/malformedOraclePoolBox.ts";
import { parseOraclePoolBox } from "./pool.ts";

// A devnet's own ERG/USD oracle pool: a box with the layout of an EIP-23 pool box (token 0 a pool NFT, R4 `Long`
// nanoERG per 1 USD, R5 `Int` the epoch, the creation height the epoch's start), so the readers of the real pool
// (`readOraclePool`) read it unchanged. It is NOT the real oracle's contract: no refresh box, no oracles, no data
// points, no reward tokens (only the NFT; token 1 of a real pool box is its reward tokens). The box is guarded by
// the operator's P2PK address, the devnet's stand-in for the pool contract: whoever holds that key sets the rate.

export interface OraclePoolMintOptions extends WalletContext {
  /** The P2PK address that guards the pool box: the one key that can post a new rate. */
  readonly operatorAddress: string;
  /** The first rate (R4): nanoERG per 1 USD. */
  readonly nanoErgPerUsd: bigint;
  /** nanoERG the pool box carries (default Fleet's safe minimum). */
  readonly boxValue?: bigint;
}

export interface OraclePoolUpdateOptions extends WalletContext {
  /** The current pool box (from `readOraclePool(...).box` or `chain.unspentByTokenId(nftId)`). */
  readonly poolBox: Box<Amount>;
  /** The new rate (R4): nanoERG per 1 USD. */
  readonly nanoErgPerUsd: bigint;
}

/**
 * Mints a devnet stand-in oracle pool: a new NFT (its id is the first input's box id) in a box at
 * `operatorAddress` with R4 the rate and R5 epoch 1. The inputs pay the box value and the fee.
 *
 * @example
 * const { nftId, tx } = buildOraclePoolMintTx({ inputs, operatorAddress: admin, nanoErgPerUsd: 1_500_000_000n, height, changeAddress: admin });
 */
export function buildOraclePoolMintTx(options: OraclePoolMintOptions): {
  nftId: string;
  tx: EIP12UnsignedTransaction;
} {
  positiveRate(options.nanoErgPerUsd);
  const plugin: FleetPlugin = ({ addOutputs }) => {
    addOutputs(
      new OutputBuilder(options.boxValue ?? SAFE_MIN_BOX_VALUE, options.operatorAddress)
        .mintToken({ amount: 1n, name: "Devnet ERG/USD oracle pool" })
        .setAdditionalRegisters(poolRegisters(options.nanoErgPerUsd, 1)),
    );
  };
  const tx = buildWithWallet(plugin, options);
  return { nftId: tx.inputs[0]!.boxId, tx };
}

/**
 * Posts a new rate to a devnet stand-in oracle pool: spends the pool box (input 0, signed by its operator) and
 * recreates it (output 0) with the same value, tokens and guard, R4 the new rate, R5 the epoch + 1, created at
 * `height`, so the rate's age starts again. The other inputs pay the fee.
 *
 * @example
 * const tx = buildOraclePoolUpdateTx({ poolBox, nanoErgPerUsd: 2_000_000_000n, inputs, height, changeAddress: admin });
 */
export function buildOraclePoolUpdateTx(options: OraclePoolUpdateOptions): EIP12UnsignedTransaction {
  positiveRate(options.nanoErgPerUsd);
  const { poolBox } = options;
  const nftId = poolBox.assets[0]?.tokenId;
  if (nftId === undefined) throw new MalformedOraclePoolBoxError(poolBox.boxId, "token 0", "a pool NFT");
  const pool = parseOraclePoolBox(poolBox, nftId);
  const plugin: FleetPlugin = ({ addInputs, addOutputs }) => {
    addInputs(poolBox);
    addOutputs(
      new OutputBuilder(poolBox.value, poolBox.ergoTree)
        .addTokens(poolBox.assets)
        .setAdditionalRegisters(poolRegisters(options.nanoErgPerUsd, pool.epoch + 1)),
      { index: 0 },
    );
  };
  // The operator's wallet holds the pool box too: it is spent by the plugin, never as a fee input.
  const inputs = options.inputs.filter((box) => box.boxId !== poolBox.boxId);
  return buildWithWallet(plugin, { ...options, inputs });
}

function poolRegisters(nanoErgPerUsd: bigint, epoch: number) {
  return { R4: SLong(nanoErgPerUsd).toHex(), R5: SInt(epoch).toHex() };
}

function positiveRate(nanoErgPerUsd: bigint): void {
  if (nanoErgPerUsd <= 0n) {
    throw new InvalidAmountError("The oracle rate (nanoERG per USD)", nanoErgPerUsd, "positive");
  }
}
