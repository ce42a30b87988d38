import type { Amount, Box, EIP12UnsignedTransaction } from "@fleet-sdk/common";
import { type FleetPlugin, RECOMMENDED_MIN_FEE_VALUE, TransactionBuilder } from "@fleet-sdk/core";
import { translateFleetErrors } from "../fleet.ts";

/** The wallet side of a protocol transaction: boxes to pay from, where change goes, the height to build at. */
export interface WalletContext {
  /** Wallet boxes to select from (ERG for the fee, tokens for repayments and swaps). */
  readonly inputs: readonly Box<Amount>[];
  readonly changeAddress: string;
  /** Current chain height: outputs get it as creation height. */
  readonly height: number;
  /** Miner fee in nanoERG (default Fleet's recommended 0.0011 ERG). */
  readonly fee?: bigint;
}

/**
 * Builds one whole transaction from a protocol plugin and the wallet that pays for it.
 * The plugin's inputs come first and its outputs first (the LETS contracts pin the Bank at index 0). Throws
 * `InsufficientFundsError` (what is missing) when the wallet boxes cannot pay for it.
 */
export function buildWithWallet(plugin: FleetPlugin, wallet: WalletContext): EIP12UnsignedTransaction {
  return translateFleetErrors(() =>
    new TransactionBuilder(wallet.height)
      .from([...wallet.inputs])
      .extend(plugin)
      .sendChangeTo(wallet.changeAddress)
      .payFee(wallet.fee ?? RECOMMENDED_MIN_FEE_VALUE)
      .build()
      .toEIP12Object(),
  );
}
