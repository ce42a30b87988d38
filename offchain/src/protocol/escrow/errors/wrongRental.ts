import { UntrustedEscrowError } from "./untrustedEscrow.ts";

/** The escrow box belongs to another rental (R7). */
export class WrongRentalError extends UntrustedEscrowError {
  readonly rentalId: string;
  readonly expectedRentalId: string;

  constructor(boxId: string, rentalId: string, expectedRentalId: string) {
    super(
      boxId,
      `box ${boxId} is the escrow of rental ${rentalId}`,
      `look up the escrow of rental ${expectedRentalId}`,
    );
    this.rentalId = rentalId;
    this.expectedRentalId = expectedRentalId;
  }
}
