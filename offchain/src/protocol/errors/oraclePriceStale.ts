import { GpucProtocolError } from "./base.ts";

/** The oracle pool's rate was posted longer ago than the caller accepts: pricing on it could sell below cost. */
export class OraclePriceStaleError extends GpucProtocolError {
  readonly poolNftId: string;
  readonly boxId: string;
  /** Blocks since the pool box was created (its epoch start). */
  readonly ageBlocks: number;
  readonly maxAgeBlocks: number;

  constructor(poolNftId: string, boxId: string, ageBlocks: number, maxAgeBlocks: number) {
    super(
      `Oracle pool ${poolNftId} posted its rate ${ageBlocks} blocks ago (box ${boxId}), more than the limit of ` +
        `${maxAgeBlocks} blocks; wait for the pool's next epoch (on a devnet, post a new rate) before pricing on it`,
    );
    this.poolNftId = poolNftId;
    this.boxId = boxId;
    this.ageBlocks = ageBlocks;
    this.maxAgeBlocks = maxAgeBlocks;
  }
}
