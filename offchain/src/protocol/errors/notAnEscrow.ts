import { GpucProtocolError } from "./base.ts";

/** The box is not a Rental Escrow of this deployment (other script, no GPUC, or malformed registers). */
export class NotAnEscrowError extends GpucProtocolError {
  readonly boxId: string;
  readonly reason: string;

  constructor(boxId: string, reason: string) {
    super(
      `Box ${boxId} is not a GPUC rental escrow: ${reason}. Pass a box at the deployment's rentalEscrow address`,
    );
    this.boxId = boxId;
    this.reason = reason;
  }
}
