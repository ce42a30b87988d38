import { GpucProtocolError } from "../../errors/base.ts";

/**
 * The base of every reason not to trust an escrow box that decodes fine: a forged successor, another rental's box,
 * terms other than agreed, a billing clock off its block, or too little GPUC. No script runs when a box is created,
 * so anyone can create a box at the escrow address with any registers; these are the checks a service makes
 * before it believes one. `reason` says what is wrong in a few words, for logs and refusals.
 */
export class UntrustedEscrowError extends GpucProtocolError {
  readonly boxId: string;
  readonly reason: string;

  constructor(boxId: string, reason: string, advice: string) {
    super(`Escrow box ${boxId} cannot be trusted: ${reason}; ${advice}`);
    this.boxId = boxId;
    this.reason = reason;
  }
}
