import { GpucProtocolError } from "./base.ts";

/** The address given as the provider is not the owner of the stake. */
export class NotStakeOwnerError extends GpucProtocolError {
  readonly boxId: string;
  readonly address: string;

  constructor(boxId: string, address: string) {
    super(
      `Stake ${boxId} belongs to another provider than ${address}; only its provider can change or withdraw it`,
    );
    this.boxId = boxId;
    this.address = address;
  }
}
