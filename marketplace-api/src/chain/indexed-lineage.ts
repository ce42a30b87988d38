import type { Box } from "@fleet-sdk/common";
import type { IndexedBox, IndexStore } from "@gpuc/indexer";
import type { KnownBox, LineageView } from "@gpuc/offchain";

/** An indexed box as offchain's decoders and lineage walkers read boxes. */
export function toFleetBox(box: IndexedBox): Box<string> {
  return {
    boxId: box.boxId,
    transactionId: box.txId,
    index: box.outputIndex,
    ergoTree: box.ergoTree,
    creationHeight: box.creationHeight,
    value: box.value.toString(),
    assets: box.assets,
    additionalRegisters: box.registers,
  };
}

/**
 * The chain as the marketplace indexed it, for offchain's lineage walkers (`followEscrow`, `followStake`, …):
 * confirmed boxes of the project and the transactions that spent them. The index keeps no spending proofs, so a
 * spender is known by its id and the boxes of `kind` it created; the walkers then accept only an output that is
 * exactly what the contract's recreating path leaves.
 *
 * @example
 * const { escrow } = await followEscrow(indexedLineage(index, "escrow"), opening, { deployment });
 */
export function indexedLineage(index: Pick<IndexStore, "box" | "createdBy">, kind: string): LineageView {
  const known = (box: IndexedBox): KnownBox => ({
    box: toFleetBox(box),
    inclusionHeight: box.inclusionHeight,
  });
  return {
    async box(boxId) {
      const box = await index.box(boxId);
      return box && known(box);
    },
    async whereabouts(boxId) {
      const box = await index.box(boxId);
      if (!box) return undefined;
      if (!box.spentTxId) return { status: "unspent", box: known(box) };
      const created = await index.createdBy(box.spentTxId, kind);
      return { status: "spent", by: { id: box.spentTxId, outputs: created.map(toFleetBox) } };
    },
  };
}
