import { GpucProtocolError } from "./base.ts";

/** A swap of a token that the Config whitelist (R6) does not list. */
export class TokenNotWhitelistedError extends GpucProtocolError {
  readonly tokenId: string;

  constructor(tokenId: string) {
    super(
      `Token ${tokenId} is not on the GPUC stable-token whitelist; swap one of the Config's whitelisted tokens`,
    );
    this.tokenId = tokenId;
  }
}
