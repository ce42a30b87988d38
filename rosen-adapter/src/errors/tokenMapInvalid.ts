import { BridgeError } from "./base.ts";

/** The token map file does not hold a Rosen token map the adapter can use. */
export class TokenMapInvalidError extends BridgeError {
  constructor(
    readonly source: string,
    readonly reason: string,
  ) {
    super(
      `The Rosen token map ${source} is not usable: ${reason}; point ROSEN_TOKEN_MAP at a file written like rosen-adapter/token-maps/mainnet.json`,
      { source },
      500,
    );
  }
}
