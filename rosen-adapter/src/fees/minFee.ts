import type { MinimumFeeBox } from "@rosen-bridge/minimum-fee";
import { MinFeeUnavailableError } from "../errors/minFeeUnavailable.ts";
import type { BridgedToken } from "../tokens/registry.ts";

/** The minimum fees of one route (Ergo → `toChain`) for one token, in its wrapped units. */
export interface RouteMinFees {
  readonly bridgeFee: bigint;
  readonly networkFee: bigint;
  /** The variable bridge fee: `amount × feeRatio / feeRatioDivisor` when that exceeds `bridgeFee`. */
  readonly feeRatio: bigint;
  readonly feeRatioDivisor: bigint;
  /** The min-fee config box the values were read from. */
  readonly boxId: string;
}

/** Where minimum fees come from (the chain's min-fee config boxes; a fixed table in unit tests). */
export interface MinFeeSource {
  minFees(token: BridgedToken, toChain: string): Promise<RouteMinFees>;
}

export interface MinFeeBoxOptions {
  /** An Ergo node's REST API (the devnet serves the same routes). */
  readonly nodeUrl: string;
  /** The NFT every min-fee config box of the deployment carries. */
  readonly minFeeNft: string;
  /** The Ergo height fee configs are chosen at (Rosen activates each config from a height on). */
  readonly height: () => Promise<number>;
}

/**
 * Reads the min-fee config box of a token with Rosen's own reader (`@rosen-bridge/minimum-fee`'s
 * `MinimumFeeBox`: the one unspent box holding the MinFeeNFT and the token, its registers decoded by Rosen's
 * layout), and picks the config active at the current height for Ergo → `toChain`. Rosen's package (~55 MB
 * resident) is imported on the first quote, not with the adapter.
 */
export class MinFeeBoxReader implements MinFeeSource {
  constructor(readonly options: MinFeeBoxOptions) {}

  async minFees(token: BridgedToken, toChain: string): Promise<RouteMinFees> {
    const { nodeUrl, minFeeNft } = this.options;
    const warnings: string[] = [];
    const { ErgoNetworkType, MinimumFeeBox } = await import("@rosen-bridge/minimum-fee");
    const box = new MinimumFeeBox(
      token.tokenId,
      minFeeNft,
      ErgoNetworkType.node,
      nodeUrl,
      collecting(warnings),
    );
    if (!(await box.fetchBox()))
      throw new MinFeeUnavailableError(
        token.tokenId,
        minFeeNft,
        warnings[0] ?? "no single min-fee box holds it",
      );
    const height = await this.options.height();
    try {
      const fee = box.getFee("ergo", height, toChain);
      return {
        bridgeFee: BigInt(fee.bridgeFee),
        networkFee: BigInt(fee.networkFee),
        feeRatio: BigInt(fee.feeRatio),
        feeRatioDivisor: BigInt(fee.feeRatioDivisor),
        boxId: box.getBox()!.box_id().to_str(),
      };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new MinFeeUnavailableError(token.tokenId, minFeeNft, reason);
    }
  }
}

type RosenLogger = NonNullable<ConstructorParameters<typeof MinimumFeeBox>[4]>;

/** Rosen's reader says why it found no box only in its log: keep its warnings for the error message. */
function collecting(warnings: string[]): RosenLogger {
  const ignore = () => undefined;
  return {
    debug: ignore,
    info: ignore,
    error: ignore,
    warn: (message: string) => void warnings.push(message),
  };
}
