import { GpucProtocolError } from "./base.ts";

/** The Bank holds less of a token than the action would take out of it. */
export class InsufficientReserveError extends GpucProtocolError {
  readonly tokenId: string;
  readonly available: bigint;
  readonly wanted: bigint;

  constructor(tokenId: string, available: bigint, wanted: bigint) {
    super(`The Bank holds ${available} units of token ${tokenId} but ${wanted} were asked for; ask for less`);
    this.tokenId = tokenId;
    this.available = available;
    this.wanted = wanted;
  }
}
