import type { Amount, Box, EIP12UnsignedTransaction } from "@fleet-sdk/common";
import type { FleetPlugin } from "@fleet-sdk/core";
import type { CompiledContract } from "@gpuc/ergoscript";
import { AccountHasDebtError } from "../errors/accountHasDebt.ts";
import { parseCreditAccount } from "./account.ts";
import { buildWithWallet, type WalletContext } from "./wallet.ts";

export interface CloseAccountOptions {
  readonly deployment: { contracts: { creditAccount: Pick<CompiledContract, "ergoTree"> } };
  readonly account: Box<Amount>;
  /** The current Config box: every Credit Account spend carries it as data input. */
  readonly configBox: Box<Amount>;
}

/** Closes a debt-free Credit Account: the owner takes the collateral back (as change). */
export function closeCreditAccount(options: CloseAccountOptions): FleetPlugin {
  const account = parseCreditAccount(options.account, options.deployment);
  if (account.debt > 0n) throw new AccountHasDebtError(account.debt);
  return ({ addInputs, addDataInputs }) => {
    addInputs(account.box);
    addDataInputs(options.configBox);
  };
}

export function buildCloseCreditAccount(
  options: CloseAccountOptions,
  wallet: WalletContext,
): EIP12UnsignedTransaction {
  return buildWithWallet(closeCreditAccount(options), wallet);
}
