import { GpucProtocolError } from "./base.ts";

/** A claim would pay more hours than the consumer prepaid. */
export class ClaimBeyondPrepaidError extends GpucProtocolError {
  readonly boxId: string;
  readonly paidAfter: number;
  readonly prepaidHours: number;

  constructor(boxId: string, paidAfter: number, prepaidHours: number) {
    super(
      `Escrow ${boxId}: claiming up to hour ${paidAfter} but only ${prepaidHours} hours are prepaid; ` +
        "claim at most the prepaid hours (the consumer may extend the rental)",
    );
    this.boxId = boxId;
    this.paidAfter = paidAfter;
    this.prepaidHours = prepaidHours;
  }
}
