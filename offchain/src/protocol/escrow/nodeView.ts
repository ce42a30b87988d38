import type { ChainClient } from "../../chain/chainClient.ts";
import { type LineageView, spenderOf, type Whereabouts } from "../lineage/view.ts";
import { readBytes } from "../registers.ts";
import type { EscrowDeployment } from "./registers.ts";

/** The node API calls the escrow lineage reads. */
export type EscrowNode = Pick<
  ChainClient,
  "indexedBox" | "unspentBox" | "unspentByErgoTree" | "transaction" | "unconfirmedTransaction"
>;

/**
 * Escrow lineages as an Ergo node (with `extraIndex = true`, or the devnet) shows them, mempool included: a box
 * spent or created by a submitted transaction is followed like a confirmed one, so a walk ends where the chain
 * will be once those confirm. `box` answers confirmed boxes only (an opening's block must be known).
 *
 * @example
 * const { escrow } = await followEscrow(nodeEscrowView(chain, deployment), boxId, { deployment, rentalId });
 */
export function nodeEscrowView(chain: EscrowNode, deployment: EscrowDeployment): LineageView {
  return {
    async box(boxId) {
      const box = await chain.indexedBox(boxId);
      return box && { box, inclusionHeight: box.inclusionHeight };
    },
    async whereabouts(boxId) {
      const box = await chain.unspentBox(boxId, { withPool: true });
      if (box) return { status: "unspent", box: { box, inclusionHeight: box.inclusionHeight } };
      return spentWhere(chain, deployment.contracts.rentalEscrow.ergoTree, boxId);
    },
  };
}

/** Where a box gone from the mempool-applied UTXO set went: from the index when confirmed, else the mempool. */
async function spentWhere(
  chain: EscrowNode,
  escrowTree: string,
  boxId: string,
): Promise<Whereabouts | undefined> {
  const indexed = await chain.indexedBox(boxId);
  if (indexed?.spentTransactionId) {
    const tx = await chain.transaction(indexed.spentTransactionId);
    return tx && { status: "spent", by: spenderOf(tx, boxId) };
  }
  // Spent in the mempool: a recreating spend left an escrow box pointing back at it (itself maybe spent in the
  // mempool too); a closing one left none.
  const candidates = await chain.unspentByErgoTree(escrowTree, { excludeMempoolSpent: false });
  for (const candidate of candidates.filter((c) => readBytes(c.additionalRegisters.R8) === boxId)) {
    const tx = await chain.unconfirmedTransaction(candidate.transactionId);
    if (tx?.inputs.some((input) => input.boxId === boxId))
      return { status: "spent", by: spenderOf(tx, boxId) };
  }
  // Known to the index and gone from the mempool-applied UTXO set: a mempool transaction closed it.
  return indexed ? { status: "spent", by: { outputs: [] } } : undefined;
}
