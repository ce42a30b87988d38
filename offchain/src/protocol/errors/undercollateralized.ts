import { GpucProtocolError } from "./base.ts";

/** An owner action would leave the Credit Account below the collateral ratio. */
export class UndercollateralizedError extends GpucProtocolError {
  readonly collateral: bigint;
  readonly debt: bigint;
  /** The least collateral (nanoERG) that covers `debt` at the collateral ratio and the current price. */
  readonly requiredCollateral: bigint;

  constructor(collateral: bigint, debt: bigint, requiredCollateral: bigint) {
    super(
      `A debt of ${debt} GPUC units needs at least ${requiredCollateral} nanoERG of collateral at the current price ` +
        `and collateral ratio; the account would hold ${collateral}. Add collateral or draw less`,
    );
    this.collateral = collateral;
    this.debt = debt;
    this.requiredCollateral = requiredCollateral;
  }
}
