import type { Amount, Box } from "@fleet-sdk/common";
import { type FleetPlugin, SAFE_MIN_BOX_VALUE } from "@fleet-sdk/core";
import { type BankState, bankSuccessor, parseBankBox } from "../bank/bank.ts";
import { BankBoxMismatchError } from "../errors/bankBoxMismatch.ts";
import { InsufficientReserveError } from "../errors/insufficientReserve.ts";
import { InvalidAmountError } from "../errors/invalidAmount.ts";
import { RepayExceedsDebtError } from "../errors/repayExceedsDebt.ts";
import { UndercollateralizedError } from "../errors/undercollateralized.ts";
import { creditAccountOutput, parseCreditAccount } from "./account.ts";
import { covers, requiredCollateral } from "./health.ts";
import { type LetsBoxes, letsConfig } from "./lets.ts";

export interface AdjustOptions extends LetsBoxes {
  /** The Credit Account box to spend (its owner signs). */
  readonly account: Box<Amount>;
  /** Signed change of the debt in GPUC units: positive draws from the Bank, negative repays it. */
  readonly debtDelta: bigint;
  /** Signed change of the ERG collateral in nanoERG. */
  readonly collateralDelta: bigint;
}

/**
 * The owner's Credit Account action as a Fleet plugin: spends the account (and the Bank when the debt moves) and
 * recreates both at the same indices. Checks every rule the contracts check, before anything is built.
 *
 * @example
 * new TransactionBuilder(height).from(wallet).extend(adjustCreditAccount({ ..., debtDelta: 5_000_000n, collateralDelta: 0n }))
 */
export function adjustCreditAccount(options: AdjustOptions): FleetPlugin {
  const config = letsConfig(options);
  const account = parseCreditAccount(options.account, options.deployment);
  const debt = account.debt + options.debtDelta;
  const collateral = account.collateral + options.collateralDelta;
  if (debt < 0n) throw new RepayExceedsDebtError(account.debt, -options.debtDelta);
  if (collateral < SAFE_MIN_BOX_VALUE)
    throw new InvalidAmountError(
      "The collateral left in the account",
      collateral,
      `at least ${SAFE_MIN_BOX_VALUE} nanoERG (close the account to take it all)`,
    );
  // Repaying or adding collateral is always allowed; anything else must end above the collateral ratio.
  const improving = options.debtDelta <= 0n && options.collateralDelta >= 0n;
  if (!improving && !covers(collateral, debt, config.collateralRatioPct, config.price)) {
    throw new UndercollateralizedError(collateral, debt, requiredCollateral(debt, config));
  }
  const bank = options.debtDelta === 0n ? undefined : bankFor(options);
  if (bank && bank.gpuc < options.debtDelta) {
    throw new InsufficientReserveError(options.deployment.gpucTokenId, bank.gpuc, options.debtDelta);
  }
  return ({ addInputs, addDataInputs, addOutputs }) => {
    const successor = creditAccountOutput(options.deployment, account.ownerRegister, collateral, debt);
    if (bank) {
      addInputs([bank.box, account.box]);
      const bankOut = bankSuccessor(bank.box, { [options.deployment.gpucTokenId]: -options.debtDelta });
      addOutputs([bankOut, successor], { index: 0 });
    } else {
      addInputs(account.box);
      addOutputs(successor, { index: 0 });
    }
    addDataInputs(options.configBox);
  };
}

function bankFor(options: AdjustOptions): BankState {
  if (!options.bankBox) throw new BankBoxMismatchError("(none given)");
  return parseBankBox(options.bankBox, options.deployment);
}
