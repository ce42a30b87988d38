import type { Logger } from "@gpuc/platform";
import type { ErgoStateContext } from "ergo-lib-wasm-nodejs";
import { DevnetRejectedError, DevnetRollbackError } from "../errors/index.ts";
import { type ParsedTransaction, parseTransaction } from "../tx/parse.ts";
import type { Transaction } from "../tx/types.ts";
import { faucetPublicKey, genesisBoxes } from "./genesis.ts";
import { type BlockHeader, nextHeader, STATE_CONTEXT_HEADERS, stateContext } from "./headers.ts";
import { Mempool } from "./mempool.ts";
import { SerialQueue } from "./serial.ts";
import type { ChainStore } from "./store.ts";
import { type BoxLookup, type BoxState, ConfirmedUtxoSet, resolveInputs, UtxoOverlay } from "./utxo.ts";
import { validateTransaction } from "./validator.ts";
import { keepWasmOutputs } from "./wasm-boxes.ts";

/**
 * Empty blocks mined right after genesis on a fresh database: ergo-lib's state context needs exactly ten previous
 * headers, so the chain never has fewer. They cannot be rolled back.
 */
export const BOOTSTRAP_BLOCKS = STATE_CONTEXT_HEADERS;

/** How long submissions share one state context (its pre-header timestamp) before a fresh one is built. */
const CONTEXT_TTL_MS = 1000;

export interface MinedBlock {
  readonly height: number;
  readonly headerId: string;
  readonly timestamp: number;
  /** Transactions included, in mempool order. */
  readonly txIds: string[];
  /** Mempool transactions that were no longer valid and were dropped. */
  readonly droppedTxIds: string[];
}

export interface RollbackOptions {
  /** Drop the rolled-back blocks' transactions instead of returning them to the mempool (default false). */
  readonly dropTransactions?: boolean;
}

export interface RollbackResult {
  readonly height: number;
  /** Transactions of the undone blocks, in chain order. */
  readonly undoneTxIds: string[];
  /** Transactions now in the mempool (undone ones first, then the earlier mempool), revalidated. */
  readonly mempoolTxIds: string[];
  /** Transactions that are in neither the chain nor the mempool any more. */
  readonly droppedTxIds: string[];
}

export interface ReorgResult {
  /** Height of the new tip: one block above the old one. */
  readonly height: number;
  /** Transactions of the replaced blocks, in chain order. */
  readonly undoneTxIds: string[];
  /** Transactions the new chain's last block holds: the replaced ones and the mempool, those still valid. */
  readonly reincludedTxIds: string[];
  /** Transactions that are in neither the chain nor the mempool any more. */
  readonly droppedTxIds: string[];
}

export interface ChainOptions {
  readonly log: Logger;
  readonly now?: () => number;
}

/**
 * The devnet chain: validates transactions into the mempool, mines blocks, rolls back. Every state change runs
 * through one queue, so the UTXO set seen by a validation is the one it is applied to.
 */
export class Chain {
  readonly #store: ChainStore;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #mempool: Mempool;
  readonly #utxo: ConfirmedUtxoSet;
  readonly #serial = new SerialQueue();
  readonly #minerPk = faucetPublicKey();
  /** The newest headers, newest first; never fewer than ten after `open`. */
  #tip: BlockHeader[] = [];
  #context: { tipId: string; createdAt: number; context: ErgoStateContext } | undefined;
  readonly #tipListeners = new Set<() => void>();

  private constructor(store: ChainStore, options: ChainOptions) {
    this.#store = store;
    this.#log = options.log;
    this.#now = options.now ?? Date.now;
    this.#utxo = new ConfirmedUtxoSet(store);
    this.#mempool = new Mempool(this.#utxo);
  }

  /** Opens the chain in the store, creating genesis and the bootstrap blocks on an empty database. */
  static async open(store: ChainStore, options: ChainOptions): Promise<Chain> {
    const chain = new Chain(store, options);
    if (!(await store.hasGenesis())) await chain.#createGenesis();
    chain.#tip = await store.lastHeaders(STATE_CONTEXT_HEADERS);
    await chain.#utxo.load();
    return chain;
  }

  get height(): number {
    return this.#tip[0]?.height ?? 0;
  }

  get tip(): BlockHeader {
    const tip = this.#tip[0];
    if (!tip) throw new Error("The chain has no blocks; Chain.open creates them");
    return tip;
  }

  get store(): ChainStore {
    return this.#store;
  }

  get mempool(): Mempool {
    return this.#mempool;
  }

  /** Calls `listener` after each change of the tip (a block mined, blocks rolled back); returns the unsubscribe. */
  onTipChange(listener: () => void): () => void {
    this.#tipListeners.add(listener);
    return () => this.#tipListeners.delete(listener);
  }

  /** The newest `count` headers, oldest first (the node's order). */
  async lastHeaders(count: number): Promise<BlockHeader[]> {
    const newestFirst =
      count <= this.#tip.length ? this.#tip.slice(0, count) : await this.#store.lastHeaders(count);
    return newestFirst.reverse();
  }

  /** ergo-lib's state context for the next block: what validation here and signers should both use. */
  nextBlockContext(): ErgoStateContext {
    return stateContext(this.#nextHeader([]), this.#tip);
  }

  // Building a context parses eleven headers (about a millisecond), so submissions share one per tip, renewed every
  // CONTEXT_TTL_MS so that the pre-header's timestamp stays close to the clock.
  #sharedContext(): ErgoStateContext {
    const cached = this.#context;
    const now = this.#now();
    if (cached && cached.tipId === this.tip.id && now - cached.createdAt < CONTEXT_TTL_MS)
      return cached.context;
    cached?.context.free();
    const context = this.nextBlockContext();
    this.#context = { tipId: this.tip.id, createdAt: now, context };
    return context;
  }

  /** Validates a signed transaction and adds it to the mempool; resolves to its id. */
  async submit(input: unknown): Promise<string> {
    const parsed = parseTransaction(input);
    return this.#serial.run(() => this.#accept(parsed));
  }

  /** Validates a signed transaction against the UTXO set and mempool without adding it. */
  async check(input: unknown): Promise<string> {
    const parsed = parseTransaction(input);
    return this.#serial.run(async () => {
      await this.#validate(parsed, this.#mempool.view);
      return parsed.tx.id;
    });
  }

  /** Runs `work` with no other state change in between; `accept` adds a parsed transaction meanwhile. */
  exclusive<T>(work: (accept: (parsed: ParsedTransaction) => Promise<string>) => Promise<T>): Promise<T> {
    return this.#serial.run(() => work((parsed) => this.#accept(parsed)));
  }

  /** Mines a block with every mempool transaction that is still valid, in mempool order. */
  mine(): Promise<MinedBlock> {
    return this.#serial.run(() => this.#mine());
  }

  /** Undoes the last `blocks` blocks, restoring the UTXO set exactly as it was below them. */
  rollback(blocks: number, options: RollbackOptions = {}): Promise<RollbackResult> {
    return this.#serial.run(() => this.#rollback(blocks, options));
  }

  /**
   * Replaces the last `blocks` blocks by a longer competing chain, as a node sees a reorg: `blocks` empty blocks
   * at the same heights, then one more holding the replaced blocks' transactions and the mempool (those still
   * valid). Unlike `rollback`, the height never goes down, so no transaction is lost for a creation height above
   * the tip; confirmations restart at 1 for every re-included transaction.
   */
  reorg(blocks: number): Promise<ReorgResult> {
    return this.#serial.run(() => this.#reorg(blocks));
  }

  /** A box's state with the mempool applied: unspent (confirmed or not), spent, or unknown. */
  async boxWithPool(boxId: string): Promise<BoxState | undefined> {
    return (await this.#mempool.view.lookup([boxId])).get(boxId);
  }

  async #accept(parsed: ParsedTransaction): Promise<string> {
    const resolved = await this.#validate(parsed, this.#mempool.view);
    keepWasmOutputs(parsed.tx, parsed.wasm);
    this.#mempool.add({ parsed, ...resolved });
    this.#log.debug("TX_ACCEPTED", { txId: parsed.tx.id, mempool: this.#mempool.size });
    return parsed.tx.id;
  }

  async #validate(parsed: ParsedTransaction, view: BoxLookup, context?: ErgoStateContext) {
    const resolved = await resolveInputs(parsed.tx, view);
    const ctx = context ?? this.#sharedContext();
    validateTransaction(parsed.tx.id, parsed.wasm, resolved.inputs, resolved.dataInputs, ctx);
    return resolved;
  }

  async #mine(): Promise<MinedBlock> {
    const provisional = this.#nextHeader([]);
    const context = stateContext(provisional, this.#tip);
    const block = new UtxoOverlay(this.#utxo, {
      describe: (txId) => `by tx ${txId} earlier in block ${provisional.height}`,
      pending: false,
    });
    const included: Transaction[] = [];
    const droppedTxIds: string[] = [];
    for (const entry of this.#mempool.entries()) {
      try {
        const { inputs } = await this.#validate(entry.parsed, block, context);
        block.apply(entry.parsed.tx, inputs);
        included.push(entry.parsed.tx);
      } catch (error) {
        droppedTxIds.push(entry.parsed.tx.id);
        this.#log.warn("TX_DROPPED", { txId: entry.parsed.tx.id, reason: reasonOf(error) });
      }
    }
    context.free();
    const header = nextHeader({
      parent: this.#tip[0],
      txIds: included.map((tx) => tx.id),
      minerPk: this.#minerPk,
      now: provisional.timestamp,
    });
    await this.#store.transaction(() => this.#store.appendBlock({ header, transactions: included }));
    this.#utxo.applyBlock(included);
    this.#mempool.clear();
    this.#tip = [header, ...this.#tip].slice(0, STATE_CONTEXT_HEADERS);
    this.#tipChanged();
    const txIds = included.map((tx) => tx.id);
    this.#log.info("BLOCK_MINED", { height: header.height, headerId: header.id, txs: txIds.length });
    return { height: header.height, headerId: header.id, timestamp: header.timestamp, txIds, droppedTxIds };
  }

  /** Undoes the last `blocks` blocks in the store and the tip; resolves to their transactions. */
  async #undo(blocks: number) {
    const allowed = this.height - BOOTSTRAP_BLOCKS;
    if (!Number.isInteger(blocks) || blocks < 1 || blocks > allowed)
      throw new DevnetRollbackError(blocks, allowed);
    const height = this.height - blocks;
    const undone = await this.#store.transaction(() => this.#store.rollbackTo(height));
    this.#tip = await this.#store.lastHeaders(STATE_CONTEXT_HEADERS);
    await this.#utxo.load();
    this.#tipChanged();
    return { height, undone };
  }

  /** Tells the tip's watchers (the long-poll of `GET /devnet/blocks/next`); one failing does not stop the rest. */
  #tipChanged(): void {
    for (const listener of this.#tipListeners) {
      try {
        listener();
      } catch (error) {
        this.#log.error("TIP_LISTENER_FAILED", { error });
      }
    }
  }

  async #reorg(blocks: number): Promise<ReorgResult> {
    const { undone } = await this.#undo(blocks);
    const pending = this.#mempool.clear().map((entry) => entry.parsed);
    for (let i = 0; i < blocks; i++) await this.#mine();
    const droppedTxIds: string[] = [];
    for (const parsed of [...undone.map((stored) => parseTransaction(stored.tx)), ...pending]) {
      try {
        await this.#accept(parsed);
      } catch (error) {
        droppedTxIds.push(parsed.tx.id);
        this.#log.warn("TX_DROPPED", { txId: parsed.tx.id, reason: reasonOf(error) });
      }
    }
    const block = await this.#mine();
    const undoneTxIds = undone.map((stored) => stored.tx.id);
    this.#log.info("REORGANISED", { blocks, height: block.height, undone: undoneTxIds.length });
    return {
      height: block.height,
      undoneTxIds,
      reincludedTxIds: block.txIds,
      droppedTxIds: [...droppedTxIds, ...block.droppedTxIds],
    };
  }

  async #rollback(blocks: number, options: RollbackOptions): Promise<RollbackResult> {
    const { height, undone } = await this.#undo(blocks);
    const pending = this.#mempool.clear().map((entry) => entry.parsed);
    const undoneTxIds = undone.map((stored) => stored.tx.id);
    const candidates = options.dropTransactions
      ? pending
      : [...undone.map((stored) => parseTransaction(stored.tx)), ...pending];
    const mempoolTxIds: string[] = [];
    const droppedTxIds = options.dropTransactions ? [...undoneTxIds] : [];
    for (const parsed of candidates) {
      try {
        mempoolTxIds.push(await this.#accept(parsed));
      } catch (error) {
        droppedTxIds.push(parsed.tx.id);
        this.#log.warn("TX_DROPPED", { txId: parsed.tx.id, reason: reasonOf(error) });
      }
    }
    this.#log.info("ROLLED_BACK", {
      blocks,
      height,
      undone: undoneTxIds.length,
      dropped: droppedTxIds.length,
    });
    return { height, undoneTxIds, mempoolTxIds, droppedTxIds };
  }

  async #createGenesis(): Promise<void> {
    await this.#store.transaction(async () => {
      await this.#store.insertGenesis(genesisBoxes());
      let parent: BlockHeader | undefined;
      for (let i = 0; i < BOOTSTRAP_BLOCKS; i++) {
        const header = nextHeader({ parent, txIds: [], minerPk: this.#minerPk, now: this.#now() });
        await this.#store.appendBlock({ header, transactions: [] });
        parent = header;
      }
    });
    this.#log.info("GENESIS_CREATED", { bootstrapBlocks: BOOTSTRAP_BLOCKS });
  }

  #nextHeader(txIds: readonly string[]): BlockHeader {
    return nextHeader({ parent: this.#tip[0], txIds, minerPk: this.#minerPk, now: this.#now() });
  }
}

function reasonOf(error: unknown): string {
  return error instanceof DevnetRejectedError ? error.reason : String(error);
}
