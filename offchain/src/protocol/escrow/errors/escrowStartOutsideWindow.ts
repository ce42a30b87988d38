import { UntrustedEscrowError } from "./untrustedEscrow.ts";

/**
 * An opening escrow whose billing clock does not start at, or a few blocks before, the block that included it: a
 * start in the future leaves nothing claimable (the provider would work unpaid), one long before it bills hours
 * nobody served.
 */
export class EscrowStartOutsideWindowError extends UntrustedEscrowError {
  readonly startHeight: number;
  readonly earliest: number;
  readonly latest: number;

  constructor(boxId: string, startHeight: number, earliest: number, latest: number) {
    super(
      boxId,
      `startHeight ${startHeight} is not within [${earliest}, ${latest}] (the opening box's inclusion height less ${latest - earliest} blocks)`,
      "open a new escrow whose startHeight is the chain's height when it is built",
    );
    this.startHeight = startHeight;
    this.earliest = earliest;
    this.latest = latest;
  }
}
