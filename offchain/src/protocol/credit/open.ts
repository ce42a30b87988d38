import type { EIP12UnsignedTransaction } from "@fleet-sdk/common";
import { type FleetPlugin, SAFE_MIN_BOX_VALUE } from "@fleet-sdk/core";
import type { CompiledContract } from "@gpuc/ergoscript";
import { sigmaPropRegister } from "../config/sigmaProp.ts";
import { InvalidAmountError } from "../errors/invalidAmount.ts";
import { creditAccountOutput } from "./account.ts";
import { buildWithWallet, type WalletContext } from "./wallet.ts";

export interface OpenAccountOptions {
  readonly deployment: { contracts: { creditAccount: Pick<CompiledContract, "ergoTree"> } };
  /** The member's P2PK address: the only key that may draw, repay or withdraw. */
  readonly owner: string;
  /** Initial ERG collateral, nanoERG. */
  readonly collateral: bigint;
}

/**
 * Opens a Credit Account with `collateral` and no debt (credit is drawn afterwards, with the Bank).
 *
 * @example
 * new TransactionBuilder(height).from(wallet).extend(openCreditAccount({ deployment, owner, collateral: 50n * 10n ** 9n }))
 */
export function openCreditAccount(options: OpenAccountOptions): FleetPlugin {
  if (options.collateral < SAFE_MIN_BOX_VALUE) {
    throw new InvalidAmountError(
      "The collateral",
      options.collateral,
      `at least ${SAFE_MIN_BOX_VALUE} nanoERG`,
    );
  }
  const owner = sigmaPropRegister(options.owner, "Credit Account owner");
  return ({ addOutputs }) => {
    addOutputs(creditAccountOutput(options.deployment, owner, options.collateral, 0n), { index: 0 });
  };
}

export function buildOpenCreditAccount(
  options: OpenAccountOptions,
  wallet: WalletContext,
): EIP12UnsignedTransaction {
  return buildWithWallet(openCreditAccount(options), wallet);
}
