import type { Amount, Box } from "@fleet-sdk/common";

// What walking a box's lineage (an escrow or a stake, recreated by each claim, top-up or update) needs from the
// chain, as a small interface: the executor walks over the node (`nodeEscrowView`), the marketplace over the
// boxes it indexed. Only the boxes and spends the walk asks about are read.

/** A box as the view knows it, with the height of the block that included it (undefined in the mempool). */
export interface KnownBox {
  readonly box: Box<Amount>;
  readonly inclusionHeight?: number;
}

/** The transaction that spent a box, as much of it as a lineage walk needs. */
export interface Spender {
  /** Its id; undefined when the view knows the box is spent but not by which transaction. */
  readonly id?: string;
  /**
   * The context extension of the input that spent the box (variable id → serialized constant): which spend path
   * ran and where its outputs are. Undefined when the view does not keep extensions (an index of boxes); the
   * walk then judges the outputs by what the path must have left.
   */
  readonly extension?: Readonly<Record<string, string>>;
  /** The transaction's outputs the view knows, each with its `index` in the transaction (at least every one at the contract's script). */
  readonly outputs: readonly Box<Amount>[];
}

/** Where a box is now: unspent (the view's latest state of it), or spent by a transaction. */
export type Whereabouts =
  | { readonly status: "unspent"; readonly box: KnownBox }
  | { readonly status: "spent"; readonly by: Spender };

/** The chain as a lineage walk reads it. */
export interface LineageView {
  /** A confirmed box, spent or not; undefined when the view does not know it. */
  box(boxId: string): Promise<KnownBox | undefined>;
  /** Where `boxId` is now; undefined when the view cannot tell yet (unknown box, spender not shown). */
  whereabouts(boxId: string): Promise<Whereabouts | undefined>;
}

/** A transaction as the node returns it: inputs with their proofs' extensions, outputs in order. */
export interface TransactionLike {
  readonly id: string;
  readonly inputs: readonly {
    readonly boxId: string;
    readonly spendingProof: { readonly extension: Record<string, string> };
  }[];
  readonly outputs: readonly Box<Amount>[];
}

/**
 * The spender of `boxId` as a lineage walk reads it from a whole transaction (the node's, a signed one): its id,
 * the extension of the input spending `boxId`, and its outputs indexed by position.
 *
 * @example
 * const next = escrowSuccessor(escrow, spenderOf(signedTx, escrow.boxId), { deployment });
 */
export function spenderOf(tx: TransactionLike, boxId: string): Spender {
  const input = tx.inputs.find((candidate) => candidate.boxId === boxId);
  return {
    id: tx.id,
    extension: input?.spendingProof.extension ?? {},
    outputs: tx.outputs.map((output, index) => ({ ...output, index })),
  };
}
