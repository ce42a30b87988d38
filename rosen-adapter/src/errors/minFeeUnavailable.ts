import { BridgeError } from "./base.ts";

/** No single min-fee config box for the token (or it has no entry for the route): no fee can be checked. */
export class MinFeeUnavailableError extends BridgeError {
  constructor(
    readonly tokenId: string,
    readonly minFeeNft: string,
    readonly reason: string,
  ) {
    super(
      `Rosen's minimum fees for token ${tokenId} cannot be read (${reason}); check ROSEN_MIN_FEE_NFT (${minFeeNft}) and the Ergo node, then retry`,
      { tokenId, minFeeNft },
      503,
    );
  }
}
