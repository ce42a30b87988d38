import { GpucProtocolError } from "./base.ts";

/** The box given as the Config box does not carry this deployment's Config NFT. */
export class ConfigBoxMismatchError extends GpucProtocolError {
  readonly boxId: string;
  readonly expectedNftId: string;

  constructor(boxId: string, expectedNftId: string) {
    super(
      `Box ${boxId} is not the Config box of this deployment (it lacks Config NFT ${expectedNftId}); ` +
        "look the Config box up by the deployment's configNftId",
    );
    this.boxId = boxId;
    this.expectedNftId = expectedNftId;
  }
}
