import type { IndexStore } from "@gpuc/indexer";
import { MalformedConfigBoxError, parseConfigBox } from "@gpuc/offchain";
import { toFleetBox } from "../chain/indexed-lineage.ts";

/** Reads protocol parameters from the indexed Config box, falling back to configured values before it is seen. */
export class ChainParams {
  constructor(
    private readonly index: IndexStore,
    private readonly fallbackMinStakePerGpu: bigint,
  ) {}

  /** Config: blocks between the start of unbonding and the withdrawal; null until the Config box is indexed. */
  async unbondingBlocks(): Promise<number | null> {
    const [config] = await this.index.unspentByKind("config");
    if (!config) return null;
    try {
      return parseConfigBox(toFleetBox(config)).unbondingBlocks;
    } catch (error) {
      if (error instanceof MalformedConfigBoxError) return null;
      throw error;
    }
  }

  /** Config R4[2]: nanoERG of stake each listed GPU needs. */
  async minStakePerGpu(): Promise<bigint> {
    const [config] = await this.index.unspentByKind("config");
    if (!config) return this.fallbackMinStakePerGpu;
    try {
      return parseConfigBox(toFleetBox(config)).minStakePerGpu;
    } catch (error) {
      if (error instanceof MalformedConfigBoxError) return this.fallbackMinStakePerGpu;
      throw error;
    }
  }
}
