import { collBytesHex, collLong, int } from "../chain/registers.ts";
import type { IndexedBox, IndexRepository } from "../indexer/index.repository.ts";

/** A Provider Stake box as the protocol defines it (R4 owner, R5 listing hash, R6 unbonding start). */
export interface Stake {
  readonly boxId: string;
  readonly ownerSigmaProp: string;
  readonly listingHash: string | undefined;
  readonly bonded: boolean;
  readonly value: bigint;
}

export function readStake(box: IndexedBox): Stake {
  return {
    boxId: box.boxId,
    ownerSigmaProp: box.registers.R4 ?? "",
    listingHash: collBytesHex(box.registers.R5),
    bonded: int(box.registers.R6) === -1,
    value: box.value,
  };
}

/** Reads protocol parameters from the indexed Config box, falling back to configured values before it is seen. */
export class ChainParams {
  constructor(
    private readonly index: IndexRepository,
    private readonly fallbackMinStakePerGpu: bigint,
  ) {}

  /** Config R4[2]: nanoERG of stake each listed GPU needs. */
  async minStakePerGpu(): Promise<bigint> {
    const [config] = await this.index.unspentByKind("config");
    return collLong(config?.registers.R4)?.[2] ?? this.fallbackMinStakePerGpu;
  }
}
