import { GpucProtocolError } from "../../errors/base.ts";

/** A provider close would pay the provider more than the blocks elapsed so far allow (pro rata, floor). */
export class ProviderCloseBeyondElapsedError extends GpucProtocolError {
  readonly boxId: string;
  /** The provider's gross share asked for, GPUC units. */
  readonly asked: bigint;
  /** The most the contract allows at `height`, GPUC units. */
  readonly allowed: bigint;
  /** The height the transaction is validated at (the chain's height + 1). */
  readonly height: number;

  constructor(boxId: string, asked: bigint, allowed: bigint, height: number) {
    super(
      `Escrow ${boxId}: a provider close at height ${height} may pay the provider at most ${allowed} GPUC units ` +
        `(the elapsed blocks pro rata, less what was paid), not ${asked}; ask for at most ${allowed} or wait for more blocks`,
    );
    this.boxId = boxId;
    this.asked = asked;
    this.allowed = allowed;
    this.height = height;
  }
}
