import { BridgeError } from "./base.ts";

/** The destination address is not an address of its chain, as Rosen's address codec reads it. */
export class InvalidDestinationError extends BridgeError {
  constructor(
    readonly chain: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super(`"${address}" is not a ${chain} address Rosen can pay (${reason}); check it and send it again`, {
      chain,
      address,
    });
  }
}
