import type { ParsedTransaction } from "../tx/parse.ts";
import type { Box } from "../tx/types.ts";
import { type BoxLookup, UtxoOverlay } from "./utxo.ts";

export interface MempoolEntry {
  readonly parsed: ParsedTransaction;
  /** The boxes it spends and reads, as resolved when it was accepted (the node serves them with the tx). */
  readonly inputs: readonly Box[];
  readonly dataInputs: readonly Box[];
}

/**
 * Unconfirmed transactions in arrival order, over the confirmed UTXO set: their outputs are spendable at once
 * (chained transactions), their inputs count as spent (double spends are rejected).
 */
export class Mempool {
  readonly #entries = new Map<string, MempoolEntry>();
  #overlay: UtxoOverlay;

  constructor(private readonly confirmed: BoxLookup) {
    this.#overlay = this.#emptyOverlay();
  }

  /** The UTXO set with the mempool applied. */
  get view(): BoxLookup {
    return this.#overlay;
  }

  get size(): number {
    return this.#entries.size;
  }

  add(entry: MempoolEntry): void {
    this.#entries.set(entry.parsed.tx.id, entry);
    this.#overlay.apply(entry.parsed.tx, entry.inputs);
  }

  get(txId: string): MempoolEntry | undefined {
    return this.#entries.get(txId);
  }

  entries(): MempoolEntry[] {
    return [...this.#entries.values()];
  }

  /** Empties the pool and returns what it held, in arrival order. */
  clear(): MempoolEntry[] {
    const entries = this.entries();
    this.#entries.clear();
    this.#overlay = this.#emptyOverlay();
    return entries;
  }

  /** Ids of confirmed or unconfirmed boxes that a mempool transaction spends. */
  spentBoxIds(): string[] {
    return this.#overlay.spentBoxIds();
  }

  /** Outputs of mempool transactions that no mempool transaction spends, in arrival order. */
  unspentOutputs(): Box[] {
    return this.#overlay.unspentCreated();
  }

  #emptyOverlay(): UtxoOverlay {
    return new UtxoOverlay(this.confirmed, { describe: (txId) => `in mempool tx ${txId}`, pending: true });
  }
}
