import { setTimeout as sleep } from "node:timers/promises";
import type { ChainClient, SignedTransaction } from "@gpuc/offchain";
import type { Database, Logger } from "@gpuc/platform";
import { DuplicateSubscriberError, SubscriberFailedError } from "./errors.ts";
import { type BoxRule, BoxRules, tokenAmount } from "./rules.ts";
import type { IndexedBlock, IndexedBox, IndexStore } from "./store.ts";

/** The part of the node API the indexer follows; `nextBlock` (the devnet's push) is optional. */
export type ChainSource = Pick<ChainClient, "height" | "headerIdsAt" | "header" | "blockTransactions"> &
  Partial<Pick<ChainClient, "nextBlock">>;

/** What one block changed in the index: the boxes it created and the indexed boxes it spent. */
export interface BlockChanges {
  readonly created: readonly IndexedBox[];
  readonly spent: readonly IndexedBox[];
}

/**
 * A part of the system that reacts to the chain. The `on*` calls run inside the database transaction that
 * applies the block (or the rollback) and moves the cursor, after the whole block is in the index: what a
 * subscriber writes there is kept exactly when the block is, and a subscriber that throws makes the indexer keep
 * nothing and retry the block. So they do database work only, and they must not throw on bad chain data (anyone
 * can create any box): they ignore it. Work that talks to the outside world (submitting a transaction) belongs in
 * `afterCommit`, which runs once the block is committed; its failures are logged, and it runs again after the
 * next block, so it should pick up what is still pending rather than only this block's changes.
 */
export interface IndexSubscriber {
  /** Names the subscriber in logs and errors. */
  readonly name: string;
  onBox?(box: IndexedBox, block: IndexedBlock): Promise<void>;
  onSpent?(box: IndexedBox, block: IndexedBlock): Promise<void>;
  /** After every box of the block was handed out: for work over the block as a whole. */
  onBlock?(block: IndexedBlock, changes: BlockChanges): Promise<void>;
  /** Blocks above `forkHeight` were unwound (their boxes are gone, their spends undone). */
  onRollback?(forkHeight: number): Promise<void>;
  afterCommit?(block: IndexedBlock, changes: BlockChanges): Promise<void>;
}

export interface ChainIndexerOptions {
  source: ChainSource;
  db: Database;
  store: IndexStore;
  log: Logger;
  /** First height to index on an empty index (Ergo heights start at 1; a deployment's creation height). */
  startHeight: number;
  /**
   * The longest wait between two looks at the chain. Where the source pushes new blocks (`nextBlock`), the wait
   * ends as soon as one is mined; elsewhere (a real node, or the push failing) the indexer polls at this period.
   */
  pollMs: number;
  /** The token each kept box counts (`IndexedBox.gpuc`), so a balance is one indexed sum: the project's GPUC. */
  gpucTokenId: string;
}

/**
 * Follows the chain block by block (`/blocks/at/{h}`, `/blocks/{id}/header`, `/blocks/{id}/transactions`), keeps
 * the boxes its rules match and their spends, and unwinds indexed blocks above a fork when the parent id of the
 * next block does not match. The cursor is the highest indexed block, in the same database: a restart resumes
 * where it stopped, and a block, its boxes and its subscribers' writes are committed together or not at all.
 *
 * @example
 * const indexer = new ChainIndexer({ source: node, db, store: new IndexStore(db), log, startHeight: 1,
 *   pollMs: 1000, gpucTokenId });
 * indexer.addRule(byErgoTree("escrow", escrowTree));
 * indexer.subscribe({ name: "rentals", onBox: (box) => rentals.onEscrow(box) });
 * indexer.start();
 */
export class ChainIndexer {
  readonly #rules = new BoxRules();
  readonly #subscribers: IndexSubscriber[] = [];
  readonly #stopping = new AbortController();
  #running: Promise<void> | undefined;
  #stopped = false;
  /** Cleared when the source turns out to have no push (a real node), so it is not asked again. */
  #pushes = true;

  constructor(private readonly options: ChainIndexerOptions) {}

  /** Keeps the boxes `rule` matches from the next indexed block on (rules are asked in the order added). */
  addRule(rule: BoxRule): this {
    this.#rules.add(rule);
    return this;
  }

  subscribe(subscriber: IndexSubscriber): this {
    if (this.#subscribers.some((known) => known.name === subscriber.name))
      throw new DuplicateSubscriberError(subscriber.name);
    this.#subscribers.push(subscriber);
    return this;
  }

  /** Indexes every block up to the chain's current height; resolves to the number of blocks indexed. */
  async syncOnce(): Promise<number> {
    const { source, store } = this.options;
    const below = this.options.startHeight - 1;
    let indexed = 0;
    const target = await source.height();
    let tip = await store.tip();
    while ((tip?.height ?? below) < target && !this.#stopped) {
      const height = (tip?.height ?? below) + 1;
      const [headerId] = await source.headerIdsAt(height);
      if (!headerId) break;
      const header = await source.header(headerId);
      if (tip && header.parentId !== tip.headerId) {
        tip = await this.unwindToFork(tip.height);
        continue;
      }
      const block = { height, headerId, parentId: header.parentId, timestamp: Number(header.timestamp) };
      await this.indexBlock(block, await source.blockTransactions(headerId));
      tip = block;
      indexed++;
    }
    return indexed;
  }

  /**
   * Runs `syncOnce` until `stop()`: again as soon as the source pushes a new block, or after `pollMs` without
   * one; errors are logged and retried.
   */
  start(): void {
    const loop = async () => {
      while (!this.#stopped) {
        this.#running = this.syncOnce()
          .then(() => this.#nextBlock())
          .catch((error: unknown) => {
            this.options.log.error("INDEXER_SYNC_FAILED", { error });
            return this.#pause();
          });
        await this.#running;
      }
    };
    void loop();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#stopping.abort();
    await this.#running;
  }

  /** Waits for a block above the indexed tip: the source's push where it has one, else `pollMs`. */
  async #nextBlock(): Promise<void> {
    const { source, store, pollMs, log } = this.options;
    if (!source.nextBlock || !this.#pushes || this.#stopped) return this.#pause();
    const tip = (await store.tip())?.height ?? this.options.startHeight - 1;
    try {
      const wait = { timeoutMs: pollMs, signal: this.#stopping.signal };
      const height = await source.nextBlock(tip, wait);
      // Below the index (rolled back; the next block shows the fork): wait for that block rather than spin.
      if (height !== undefined && height < tip) await source.nextBlock(height, wait);
      if (height !== undefined) return;
      this.#pushes = false;
      log.info("INDEXER_POLLING", { reason: "the node has no block push", pollMs });
    } catch (error) {
      if (this.#stopped) return;
      // A push that fails (devnet restarting) is not retried in a loop: this round waits as a poll would.
      log.warn("INDEXER_PUSH_FAILED", { error });
    }
    return this.#pause();
  }

  /** `pollMs`, cut short by `stop()`. */
  #pause(): Promise<void> {
    return sleep(this.options.pollMs, undefined, { signal: this.#stopping.signal }).catch(() => undefined);
  }

  private async indexBlock(block: IndexedBlock, txs: readonly SignedTransaction[]): Promise<void> {
    const changes = await this.options.db.transaction(async () => {
      const applied = await this.apply(block, txs);
      await this.notify(block.height, async (subscriber) => {
        for (const box of applied.spent) await subscriber.onSpent?.(box, block);
        for (const box of applied.created) await subscriber.onBox?.(box, block);
        await subscriber.onBlock?.(block, applied);
      });
      return applied;
    });
    if (changes.created.length || changes.spent.length)
      this.options.log.debug("BLOCK_INDEXED", {
        height: block.height,
        created: changes.created.length,
        spent: changes.spent.length,
      });
    for (const subscriber of this.#subscribers) {
      try {
        await subscriber.afterCommit?.(block, changes);
      } catch (error) {
        this.options.log.error("INDEX_SUBSCRIBER_AFTER_COMMIT_FAILED", {
          subscriber: subscriber.name,
          height: block.height,
          error,
        });
      }
    }
  }

  /** Writes the block, its spends of indexed boxes and the outputs the rules keep. */
  private async apply(block: IndexedBlock, txs: readonly SignedTransaction[]): Promise<BlockChanges> {
    const { store, gpucTokenId } = this.options;
    const created: IndexedBox[] = [];
    const spent: IndexedBox[] = [];
    await store.insertBlock(block);
    for (const tx of txs) {
      const inputs = tx.inputs.map((input) => input.boxId);
      spent.push(...(await store.markSpent(inputs, tx.id, block.height)));
      for (const [index, output] of tx.outputs.entries()) {
        const kind = this.#rules.classify(output);
        if (!kind) continue;
        const box: IndexedBox = {
          boxId: output.boxId,
          kind,
          txId: tx.id,
          outputIndex: index,
          ergoTree: output.ergoTree,
          value: BigInt(output.value),
          assets: output.assets.map((asset) => ({ tokenId: asset.tokenId, amount: String(asset.amount) })),
          registers: { ...output.additionalRegisters },
          creationHeight: output.creationHeight,
          inclusionHeight: block.height,
          gpuc: tokenAmount(output, gpucTokenId),
          spentTxId: null,
          spentHeight: null,
        };
        await store.insertBox(box);
        created.push(box);
      }
    }
    return { created, spent };
  }

  /** Walks down from `height` to the highest block the chain and the index agree on, and unwinds above it. */
  private async unwindToFork(height: number): Promise<IndexedBlock | undefined> {
    const { store, source, db } = this.options;
    let fork = height;
    while (fork >= this.options.startHeight) {
      const ours = await store.blockAt(fork);
      const [theirs] = await source.headerIdsAt(fork);
      if (ours && ours.headerId === theirs) break;
      fork--;
    }
    await db.transaction(async () => {
      await store.unwindAbove(fork);
      await this.notify(fork, async (subscriber) => subscriber.onRollback?.(fork));
    });
    this.options.log.warn("CHAIN_ROLLBACK", { from: height, forkHeight: fork });
    return store.blockAt(fork);
  }

  /** Runs `call` for each subscriber in turn, naming the one that failed. */
  private async notify(height: number, call: (subscriber: IndexSubscriber) => Promise<void>): Promise<void> {
    for (const subscriber of this.#subscribers) {
      try {
        await call(subscriber);
      } catch (error) {
        throw new SubscriberFailedError(subscriber.name, height, error);
      }
    }
  }
}
