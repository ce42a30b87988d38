import { GpucProtocolError } from "./base.ts";

/** The box given as a Credit Account is not one of this deployment (wrong script or registers). */
export class NotACreditAccountError extends GpucProtocolError {
  readonly boxId: string;
  readonly reason: string;

  constructor(boxId: string, reason: string) {
    super(
      `Box ${boxId} is not a GPUC Credit Account: ${reason}. Pass a box at the deployment's creditAccount address`,
    );
    this.boxId = boxId;
    this.reason = reason;
  }
}
