import type { ChainClient, SignedTransaction } from "@gpuc/offchain";
import type { Database, Logger } from "@gpuc/platform";
import type { BoxClassifier } from "./classify.ts";
import type { IndexedBlock, IndexedBox, IndexRepository } from "./index.repository.ts";

/** The part of the node API the indexer follows. */
export type ChainSource = Pick<ChainClient, "height" | "headerIdsAt" | "header" | "blockTransactions">;

/** What the rest of the marketplace hears about, after each block's rows are committed. */
export interface IndexerHooks {
  onBlock?(block: {
    height: number;
    created: readonly IndexedBox[];
    spent: readonly IndexedBox[];
  }): Promise<void>;
  onRollback?(forkHeight: number): Promise<void>;
}

export interface IndexerOptions {
  /** First height to index on an empty index (Ergo heights start at 1; a deployment's creation height). */
  startHeight: number;
  pollMs: number;
}

/**
 * Follows the chain block by block (`/blocks/at/{h}`, `/blocks/{id}/header`, `/blocks/{id}/transactions`),
 * records the project's boxes and their spends, and unwinds indexed blocks above a fork when the parent id of
 * the next block does not match. Progress lives in the database, so a restart resumes where it stopped.
 */
export class ChainIndexer {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(
    private readonly source: ChainSource,
    private readonly db: Database,
    private readonly repo: IndexRepository,
    private readonly classifier: BoxClassifier,
    private readonly hooks: IndexerHooks,
    private readonly options: IndexerOptions,
    private readonly log: Logger,
  ) {}

  /** Indexes every block up to the chain's current height; resolves to the number of blocks indexed. */
  async syncOnce(): Promise<number> {
    let indexed = 0;
    const target = await this.source.height();
    let tip = await this.repo.tip();
    while ((tip?.height ?? this.options.startHeight - 1) < target && !this.#stopped) {
      const height = (tip?.height ?? this.options.startHeight - 1) + 1;
      const [headerId] = await this.source.headerIdsAt(height);
      if (!headerId) break;
      const header = await this.source.header(headerId);
      if (tip && header.parentId !== tip.headerId) {
        tip = await this.unwindToFork(tip.height);
        continue;
      }
      const block: IndexedBlock = {
        height,
        headerId,
        parentId: header.parentId,
        timestamp: Number(header.timestamp),
      };
      await this.indexBlock(block, await this.source.blockTransactions(headerId));
      tip = block;
      indexed++;
    }
    return indexed;
  }

  /** Polls `syncOnce` every `pollMs` until `stop()`; errors are logged and retried. */
  start(): void {
    const loop = async () => {
      this.#running = this.syncOnce()
        .then(() => undefined)
        .catch((error: unknown) => this.log.error("INDEXER_SYNC_FAILED", { error }));
      await this.#running;
      if (!this.#stopped) this.#timer = setTimeout(loop, this.options.pollMs);
    };
    void loop();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  private async indexBlock(block: IndexedBlock, txs: readonly SignedTransaction[]): Promise<void> {
    const created: IndexedBox[] = [];
    const spent: IndexedBox[] = [];
    await this.db.transaction(async () => {
      await this.repo.insertBlock(block);
      for (const tx of txs) {
        spent.push(
          ...(await this.repo.markSpent(
            tx.inputs.map((input) => input.boxId),
            tx.id,
            block.height,
          )),
        );
        for (const [index, output] of tx.outputs.entries()) {
          const kind = this.classifier.classify(output);
          if (!kind) continue;
          const box: IndexedBox = {
            boxId: output.boxId,
            kind: kind.kind,
            txId: tx.id,
            outputIndex: index,
            ergoTree: output.ergoTree,
            value: BigInt(output.value),
            assets: output.assets.map((asset) => ({ tokenId: asset.tokenId, amount: String(asset.amount) })),
            registers: { ...output.additionalRegisters },
            creationHeight: output.creationHeight,
            inclusionHeight: block.height,
            gpuc: kind.gpuc,
            spentTxId: null,
            spentHeight: null,
          };
          await this.repo.insertBox(box);
          created.push(box);
        }
      }
    });
    if (created.length || spent.length)
      this.log.debug("BLOCK_INDEXED", { height: block.height, created: created.length, spent: spent.length });
    await this.hooks.onBlock?.({ height: block.height, created, spent });
  }

  /** Walks down from `height` to the highest block the chain and the index agree on, and unwinds above it. */
  private async unwindToFork(height: number): Promise<IndexedBlock | undefined> {
    let fork = height;
    while (fork >= this.options.startHeight) {
      const ours = await this.repo.blockAt(fork);
      const [theirs] = await this.source.headerIdsAt(fork);
      if (ours && ours.headerId === theirs) break;
      fork--;
    }
    await this.db.transaction(() => this.repo.unwindAbove(fork));
    this.log.warn("CHAIN_ROLLBACK", { from: height, forkHeight: fork });
    await this.hooks.onRollback?.(fork);
    return this.repo.blockAt(fork);
  }
}
