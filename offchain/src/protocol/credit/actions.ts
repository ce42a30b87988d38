import type { Amount, Box, EIP12UnsignedTransaction } from "@fleet-sdk/common";
import type { FleetPlugin } from "@fleet-sdk/core";
import { InvalidAmountError } from "../errors/invalidAmount.ts";
import { type AdjustOptions, adjustCreditAccount } from "./adjust.ts";
import type { LetsBoxes } from "./lets.ts";
import { buildWithWallet, type WalletContext } from "./wallet.ts";

/** One owner action on a Credit Account: which account, how much. */
export interface AccountAction extends LetsBoxes {
  readonly account: Box<Amount>;
  /** GPUC units (draw, repay) or nanoERG (collateral). */
  readonly amount: bigint;
}

function positive(what: string, amount: bigint): bigint {
  if (amount <= 0n) throw new InvalidAmountError(what, amount, "positive");
  return amount;
}

function plugin(
  action: AccountAction,
  deltas: Pick<AdjustOptions, "debtDelta" | "collateralDelta">,
): FleetPlugin {
  return adjustCreditAccount({ ...action, ...deltas });
}

/** Draw `amount` GPUC units of credit: the Bank pays them out, the account's debt grows by as much. */
export function draw(action: AccountAction): FleetPlugin {
  return plugin(action, { debtDelta: positive("The draw", action.amount), collateralDelta: 0n });
}

/** Repay `amount` GPUC units (from the wallet) into the Bank; the debt shrinks by as much. */
export function repay(action: AccountAction): FleetPlugin {
  return plugin(action, { debtDelta: -positive("The repayment", action.amount), collateralDelta: 0n });
}

/** Add `amount` nanoERG of collateral from the wallet. */
export function addCollateral(action: AccountAction): FleetPlugin {
  return plugin(action, { debtDelta: 0n, collateralDelta: positive("The collateral to add", action.amount) });
}

/** Withdraw `amount` nanoERG of collateral to the wallet, staying above the collateral ratio. */
export function withdrawCollateral(action: AccountAction): FleetPlugin {
  return plugin(action, {
    debtDelta: 0n,
    collateralDelta: -positive("The collateral to withdraw", action.amount),
  });
}

/**
 * Whole unsigned transactions (EIP-12) for the owner actions; the drawn GPUC and withdrawn ERG go to the change
 * address.
 *
 * @example
 * const tx = buildDraw({ deployment, configBox, bankBox, account, amount: 10_000_000n }, { inputs, changeAddress, height });
 */
export function buildDraw(action: AccountAction, wallet: WalletContext): EIP12UnsignedTransaction {
  return buildWithWallet(draw(action), wallet);
}

export function buildRepay(action: AccountAction, wallet: WalletContext): EIP12UnsignedTransaction {
  return buildWithWallet(repay(action), wallet);
}

export function buildAddCollateral(action: AccountAction, wallet: WalletContext): EIP12UnsignedTransaction {
  return buildWithWallet(addCollateral(action), wallet);
}

export function buildWithdrawCollateral(
  action: AccountAction,
  wallet: WalletContext,
): EIP12UnsignedTransaction {
  return buildWithWallet(withdrawCollateral(action), wallet);
}
