import { GpucProtocolError } from "./base.ts";

/** The box is not a Provider Stake of this deployment (other script or malformed registers). */
export class NotAStakeError extends GpucProtocolError {
  readonly boxId: string;
  readonly reason: string;

  constructor(boxId: string, reason: string) {
    super(
      `Box ${boxId} is not a GPUC provider stake: ${reason}. Pass a box at the deployment's providerStake address`,
    );
    this.boxId = boxId;
    this.reason = reason;
  }
}
