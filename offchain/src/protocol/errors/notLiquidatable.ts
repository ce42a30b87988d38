import { GpucProtocolError } from "./base.ts";

/** The Credit Account is still above the liquidation ratio. */
export class NotLiquidatableError extends GpucProtocolError {
  readonly boxId: string;

  constructor(boxId: string) {
    super(
      `Credit Account ${boxId} is above the liquidation ratio at the current price; only an account whose ` +
        "collateral value fell below debt × liquidationRatioPct / 100 can be liquidated",
    );
    this.boxId = boxId;
  }
}
