import { BridgeError } from "./base.ts";

/** A token the bridge's token map does not list on Ergo. */
export class UnknownTokenError extends BridgeError {
  constructor(
    readonly token: string,
    readonly known: readonly string[],
  ) {
    super(
      `No bridged token "${token}" in the token map; use one of: ${known.join(", ")}`,
      { token, known },
      404,
    );
  }
}
