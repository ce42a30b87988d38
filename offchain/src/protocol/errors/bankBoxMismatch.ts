import { GpucProtocolError } from "./base.ts";

/** The box given as the Bank box does not carry this deployment's Bank NFT or script. */
export class BankBoxMismatchError extends GpucProtocolError {
  readonly boxId: string;

  constructor(boxId: string) {
    super(
      `Box ${boxId} is not the Bank box of this deployment; look the Bank box up by the deployment's bankNftId`,
    );
    this.boxId = boxId;
  }
}
