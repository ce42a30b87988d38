import { GpucProtocolError } from "./base.ts";

/** No unspent box holds the oracle pool NFT: the id is of another network, mistyped, or the pool was never made. */
export class OraclePoolNotFoundError extends GpucProtocolError {
  readonly poolNftId: string;

  constructor(poolNftId: string) {
    super(
      `No confirmed unspent box holds oracle pool NFT ${poolNftId} on this chain; check that it is this network's ` +
        "pool NFT (the mainnet ERG/USD pool's is 011d3364de07e5a26f0c4eef0852cddb387039a921b7154ef3cab22c6eda887f), " +
        "or on a devnet mint its stand-in pool first",
    );
    this.poolNftId = poolNftId;
  }
}
