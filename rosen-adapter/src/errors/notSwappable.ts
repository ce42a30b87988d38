import { BridgeError } from "./base.ts";

/** A swap of a token that is not a whitelisted USD-pegged stable: the Bank only swaps Config-whitelisted tokens. */
export class NotSwappableError extends BridgeError {
  constructor(
    readonly tokenId: string,
    readonly reason: string,
  ) {
    super(`Token ${tokenId} cannot be swapped into GPUC: ${reason}`, { tokenId, reason });
  }
}
