import { GpucProtocolError } from "./base.ts";

/** A box that should be the Config box lacks a register or has one of the wrong type. */
export class MalformedConfigBoxError extends GpucProtocolError {
  readonly boxId: string;
  readonly register: string;

  constructor(boxId: string, register: string, expected: string) {
    super(
      `Config box ${boxId} has no valid ${register} (expected ${expected}); ` +
        "pass the current Config box found by the Config NFT of the deployment",
    );
    this.boxId = boxId;
    this.register = register;
  }
}
