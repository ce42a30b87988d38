import { GpucProtocolError } from "./base.ts";

/** A claim would pay hours that have not elapsed yet. */
export class ClaimBeyondElapsedError extends GpucProtocolError {
  readonly boxId: string;
  /** Paid hours after the claim. */
  readonly paidAfter: number;
  /** Whole hours elapsed at the height the transaction is validated at. */
  readonly elapsedHours: number;

  constructor(boxId: string, paidAfter: number, elapsedHours: number) {
    super(
      `Escrow ${boxId}: claiming up to hour ${paidAfter} but only ${elapsedHours} whole hours have elapsed; ` +
        "claim fewer hours or wait for the next hour to end",
    );
    this.boxId = boxId;
    this.paidAfter = paidAfter;
    this.elapsedHours = elapsedHours;
  }
}
