import {
  type ChainClient,
  GpucProtocolError,
  parseConfigBox,
  type ReadOraclePoolOptions,
  readOraclePool,
} from "@gpuc/offchain";
import { PriceUnavailableError } from "../errors.ts";

/** The two prices a quote multiplies, and where the oracle's came from. */
export interface PriceInputs {
  /** Config box R5: nanoERG per 1 GPUC. */
  readonly priceNanoErgPerGpuc: bigint;
  /** Oracle pool R4: nanoERG per 1 USD. */
  readonly nanoErgPerUsd: bigint;
  readonly oracleBoxId: string;
  readonly oracleHeight: number;
}

/**
 * The two rates a quote needs, read from the chain: the genuine Config box's price (found by the Config NFT)
 * and the oracle pool's ERG/USD rate, refused when older than `maxAgeBlocks`.
 */
export function chainPrices(
  chain: ChainClient,
  options: { configNftId: string; oracle: ReadOraclePoolOptions },
): () => Promise<PriceInputs> {
  return async () => {
    try {
      const [[configBox], pool] = await Promise.all([
        chain.unspentByTokenId(options.configNftId),
        readOraclePool(chain, options.oracle),
      ]);
      if (!configBox) throw new PriceUnavailableError(`no Config box holds NFT ${options.configNftId}`);
      const config = parseConfigBox(configBox, options.configNftId);
      return {
        priceNanoErgPerGpuc: config.price,
        nanoErgPerUsd: pool.nanoErgPerUsd,
        oracleBoxId: pool.boxId,
        oracleHeight: pool.creationHeight,
      };
    } catch (error) {
      if (error instanceof GpucProtocolError) throw new PriceUnavailableError(error.message);
      throw error;
    }
  };
}
