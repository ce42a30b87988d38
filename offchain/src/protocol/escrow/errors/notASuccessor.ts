import { UntrustedEscrowError } from "./untrustedEscrow.ts";

/**
 * A box names an escrow as its parent (R8) but is not the recreation the contract pins: the transaction that
 * spent the parent did not create it at the output its context variables point at, or it is not what a claim or
 * top-up of the parent leaves. R8 alone proves nothing: anyone can create a box naming an escrow.
 */
export class NotASuccessorError extends UntrustedEscrowError {
  readonly parentBoxId: string;
  /** What is wrong with it, in a few words. */
  readonly detail: string;

  constructor(boxId: string, parentBoxId: string, detail: string) {
    super(
      boxId,
      `box ${boxId} is not the recreation of escrow ${parentBoxId}: ${detail}`,
      "follow the escrow from the box the consumer opened, through the transactions that spent each box",
    );
    this.parentBoxId = parentBoxId;
    this.detail = detail;
  }
}
