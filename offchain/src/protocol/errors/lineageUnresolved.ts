import { GpucProtocolError } from "./base.ts";

/**
 * The chain view cannot tell yet where a box of a lineage is: it does not know the box, or the box is spent by a
 * transaction it does not show (not indexed yet, or dropped from the mempool). Transient: retry after a block.
 */
export class LineageUnresolvedError extends GpucProtocolError {
  readonly boxId: string;

  constructor(boxId: string) {
    super(
      `Cannot follow the lineage past box ${boxId} yet: the chain does not show the box or the transaction that spent it; retry after the next block`,
    );
    this.boxId = boxId;
  }
}
