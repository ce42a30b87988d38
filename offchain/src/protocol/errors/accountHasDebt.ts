import { GpucProtocolError } from "./base.ts";

/** A Credit Account can be closed only once its debt is repaid. */
export class AccountHasDebtError extends GpucProtocolError {
  readonly debt: bigint;

  constructor(debt: bigint) {
    super(`The account still owes ${debt} GPUC units; repay them before closing it`);
    this.debt = debt;
  }
}
