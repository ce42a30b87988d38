import { BridgeError } from "./base.ts";

/** A destination chain the token map does not name (or names without this token). */
export class UnknownChainError extends BridgeError {
  constructor(
    readonly chain: string,
    readonly known: readonly string[],
  ) {
    super(`Rosen's token map has no chain "${chain}" for this token; pick one of: ${known.join(", ")}`, {
      chain,
      known,
    });
  }
}
