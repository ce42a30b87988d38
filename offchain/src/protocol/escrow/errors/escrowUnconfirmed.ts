import { UntrustedEscrowError } from "./untrustedEscrow.ts";

/** The opening escrow has no inclusion height, so its billing clock cannot be checked against its block. */
export class EscrowUnconfirmedError extends UntrustedEscrowError {
  constructor(boxId: string) {
    super(
      boxId,
      `the opening box ${boxId} has no inclusion height`,
      "wait until the opening transaction is confirmed",
    );
  }
}
