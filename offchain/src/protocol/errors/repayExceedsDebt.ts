import { GpucProtocolError } from "./base.ts";

/** A repayment larger than what the account owes. */
export class RepayExceedsDebtError extends GpucProtocolError {
  readonly debt: bigint;
  readonly amount: bigint;

  constructor(debt: bigint, amount: bigint) {
    super(`The account owes ${debt} GPUC units; repay at most that much (asked ${amount})`);
    this.debt = debt;
    this.amount = amount;
  }
}
