import { GpucProtocolError } from "./base.ts";

/** A box that should be an oracle pool box (EIP-23) lacks the pool NFT at token 0, or a register of its layout. */
export class MalformedOraclePoolBoxError extends GpucProtocolError {
  readonly boxId: string;
  /** What is wrong: `token 0`, `R4` or `R5`. */
  readonly part: string;

  constructor(boxId: string, part: string, expected: string) {
    super(
      `Box ${boxId} is not an oracle pool box: its ${part} is not ${expected}; ` +
        "look the pool box up by the pool's NFT id (EIP-23: token 0 the pool NFT, R4 the rate, R5 the epoch)",
    );
    this.boxId = boxId;
    this.part = part;
  }
}
