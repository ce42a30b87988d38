import { DevnetRejectedError } from "../errors/index.ts";
import type { Box, Transaction } from "../tx/types.ts";
import type { ChainStore } from "./store.ts";

/** What a box id refers to in some view of the UTXO set. */
export type BoxState =
  | { readonly status: "unspent"; readonly box: Box; readonly unconfirmed: boolean }
  | {
      readonly status: "spent";
      readonly box: Box;
      readonly spentBy: string;
      /** Where the spend happened, for rejection messages: "by tx … in block 12", "in mempool tx …". */
      readonly where: string;
      /** True when the spend is only pending (mempool): the box is still in the UTXO set for data inputs. */
      readonly pending: boolean;
    };

/** A view of the UTXO set that answers for a batch of box ids (absent ids are unknown). */
export interface BoxLookup {
  lookup(boxIds: readonly string[]): Promise<Map<string, BoxState>>;
}

/** The confirmed UTXO set in PostgreSQL. */
export function confirmedLookup(store: ChainStore): BoxLookup {
  return {
    async lookup(boxIds) {
      const states = new Map<string, BoxState>();
      for (const [boxId, indexed] of await store.boxes(boxIds)) {
        const spentBy = indexed.spentTransactionId;
        states.set(
          boxId,
          spentBy === null
            ? { status: "unspent", box: indexed.box, unconfirmed: false }
            : {
                status: "spent",
                box: indexed.box,
                spentBy,
                where: `by tx ${spentBy} in block ${indexed.spendingHeight}`,
                pending: false,
              },
        );
      }
      return states;
    },
  };
}

/**
 * The confirmed unspent boxes held in memory, with the store as their log: a submission resolves its inputs
 * without a query. Only ids not unspent here (spent or unknown, i.e. a rejection) are read from the store, so
 * rejections still say where a box was spent. Loaded from the store on open and after a rollback; updated by each
 * block once the store has committed it.
 */
export class ConfirmedUtxoSet implements BoxLookup {
  readonly #unspent = new Map<string, Box>();
  readonly #store: ChainStore;
  readonly #fallback: BoxLookup;

  constructor(store: ChainStore) {
    this.#store = store;
    this.#fallback = confirmedLookup(store);
  }

  get size(): number {
    return this.#unspent.size;
  }

  /** Replaces the set with the store's unspent boxes (on open, and after the store rolled blocks back). */
  async load(): Promise<void> {
    const boxes = await this.#store.unspentBoxes();
    this.#unspent.clear();
    for (const box of boxes) this.#unspent.set(box.boxId, box);
  }

  /** Applies a block the store has committed: its inputs leave the set, its outputs join it. */
  applyBlock(transactions: readonly Transaction[]): void {
    for (const tx of transactions) {
      for (const input of tx.inputs) this.#unspent.delete(input.boxId);
      for (const output of tx.outputs) this.#unspent.set(output.boxId, output);
    }
  }

  async lookup(boxIds: readonly string[]): Promise<Map<string, BoxState>> {
    const states = new Map<string, BoxState>();
    const rest: string[] = [];
    for (const boxId of boxIds) {
      const box = this.#unspent.get(boxId);
      if (box) states.set(boxId, { status: "unspent", box, unconfirmed: false });
      else rest.push(boxId);
    }
    if (rest.length > 0)
      for (const [boxId, state] of await this.#fallback.lookup(rest)) states.set(boxId, state);
    return states;
  }
}

export interface OverlayOptions {
  /** How a spend in this overlay reads in a rejection, e.g. `in mempool tx ${txId}`. */
  readonly describe: (txId: string) => string;
  /** Mempool spends are pending (data inputs may still read the box); spends inside a block are final. */
  readonly pending: boolean;
}

/**
 * Transactions applied on top of another view: their outputs become unspent boxes, their inputs spent. The mempool
 * is one over the confirmed set; a block being assembled is another.
 */
export class UtxoOverlay implements BoxLookup {
  readonly #created = new Map<string, Box>();
  readonly #spent = new Map<string, { txId: string; box: Box }>();

  constructor(
    private readonly base: BoxLookup,
    private readonly options: OverlayOptions,
  ) {}

  /** Applies a transaction whose inputs were resolved to `inputs`. */
  apply(tx: Transaction, inputs: readonly Box[]): void {
    for (const box of inputs) this.#spent.set(box.boxId, { txId: tx.id, box });
    for (const output of tx.outputs) this.#created.set(output.boxId, output);
  }

  spentBoxIds(): string[] {
    return [...this.#spent.keys()];
  }

  /** Boxes created here and not spent here, in creation order. */
  unspentCreated(): Box[] {
    return [...this.#created.values()].filter((box) => !this.#spent.has(box.boxId));
  }

  async lookup(boxIds: readonly string[]): Promise<Map<string, BoxState>> {
    const states = new Map<string, BoxState>();
    const rest: string[] = [];
    for (const boxId of boxIds) {
      const spent = this.#spent.get(boxId);
      const created = this.#created.get(boxId);
      if (spent) {
        states.set(boxId, {
          status: "spent",
          box: spent.box,
          spentBy: spent.txId,
          where: this.options.describe(spent.txId),
          pending: this.options.pending,
        });
      } else if (created) {
        states.set(boxId, { status: "unspent", box: created, unconfirmed: true });
      } else {
        rest.push(boxId);
      }
    }
    if (rest.length > 0) for (const [boxId, state] of await this.base.lookup(rest)) states.set(boxId, state);
    return states;
  }
}

export interface ResolvedInputs {
  readonly inputs: Box[];
  readonly dataInputs: Box[];
}

/**
 * The boxes a transaction spends and reads, or a rejection that names the box and why: ergo-lib's `validate_tx`
 * takes the boxes as given, so existence and double spends are checked here.
 */
export async function resolveInputs(tx: Transaction, view: BoxLookup): Promise<ResolvedInputs> {
  const inputIds = tx.inputs.map((input) => input.boxId);
  const duplicate = inputIds.find((boxId, index) => inputIds.indexOf(boxId) !== index);
  if (duplicate) reject(tx, `input box ${duplicate} is spent twice by this transaction`);
  const dataIds = tx.dataInputs.map((input) => input.boxId);
  const states = await view.lookup([...new Set([...inputIds, ...dataIds])]);
  const inputs = inputIds.map((boxId) => {
    const state = states.get(boxId);
    if (!state) return reject(tx, `input box ${boxId} not found in the UTXO set or the mempool`);
    if (state.status === "spent") return reject(tx, `input box ${boxId} is already spent ${state.where}`);
    return state.box;
  });
  const dataInputs = dataIds.map((boxId) => {
    const state = states.get(boxId);
    if (!state) return reject(tx, `data input box ${boxId} not found in the UTXO set or the mempool`);
    if (state.status === "spent" && !state.pending) {
      return reject(tx, `data input box ${boxId} is already spent ${state.where}`);
    }
    return state.box;
  });
  return { inputs, dataInputs };
}

function reject(tx: Transaction, reason: string): never {
  throw new DevnetRejectedError(reason, tx.id);
}
