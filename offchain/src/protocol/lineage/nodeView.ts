import type { ChainClient } from "../../chain/chainClient.ts";
import type { ChainBox } from "../../chain/types.ts";
import type { EscrowDeployment } from "../escrow/registers.ts";
import { readBytes } from "../registers.ts";
import type { StakeDeployment } from "../stake/registers.ts";
import { type LineageView, spenderOf, type Whereabouts } from "./view.ts";

/** The node API calls a lineage walk reads. */
export type LineageNode = Pick<
  ChainClient,
  "indexedBox" | "unspentBox" | "unspentByErgoTree" | "transaction" | "unconfirmedTransaction"
>;

/**
 * Lineages of the boxes at `ergoTree` as an Ergo node (with `extraIndex = true`, or the devnet) shows them,
 * mempool included: a box spent or created by a submitted transaction is followed like a confirmed one, so a walk
 * ends where the chain will be once those confirm. `box` answers confirmed boxes only (an opening's block must be
 * known). `parentOf` reads the spent box a recreated box names (the escrow's R8): it narrows the search of the
 * mempool for the transaction that spent a box.
 */
export function nodeLineageView(
  chain: LineageNode,
  ergoTree: string,
  parentOf?: (box: ChainBox) => string | undefined,
): LineageView {
  return {
    async box(boxId) {
      const box = await chain.indexedBox(boxId);
      return box && { box, inclusionHeight: box.inclusionHeight };
    },
    async whereabouts(boxId) {
      const box = await chain.unspentBox(boxId, { withPool: true });
      if (box) return { status: "unspent", box: { box, inclusionHeight: box.inclusionHeight } };
      return spentWhere(chain, ergoTree, boxId, parentOf);
    },
  };
}

/**
 * Escrow lineages through the node, mempool included (see `nodeLineageView`).
 *
 * @example
 * const { escrow } = await followEscrow(nodeEscrowView(chain, deployment), boxId, { deployment, rentalId });
 */
export function nodeEscrowView(chain: LineageNode, deployment: EscrowDeployment): LineageView {
  const tree = deployment.contracts.rentalEscrow.ergoTree;
  return nodeLineageView(chain, tree, (box) => readBytes(box.additionalRegisters.R8));
}

/**
 * Stake lineages through the node, mempool included (see `nodeLineageView`).
 *
 * @example
 * const { stake } = await followStake(nodeStakeView(chain, deployment), registered, { deployment });
 */
export function nodeStakeView(chain: LineageNode, deployment: StakeDeployment): LineageView {
  return nodeLineageView(chain, deployment.contracts.providerStake.ergoTree);
}

/** Where a box gone from the mempool-applied UTXO set went: from the index when confirmed, else the mempool. */
async function spentWhere(
  chain: LineageNode,
  ergoTree: string,
  boxId: string,
  parentOf: ((box: ChainBox) => string | undefined) | undefined,
): Promise<Whereabouts | undefined> {
  const indexed = await chain.indexedBox(boxId);
  if (indexed?.spentTransactionId) {
    const tx = await chain.transaction(indexed.spentTransactionId);
    return tx && { status: "spent", by: spenderOf(tx, boxId) };
  }
  // Spent in the mempool: a recreating spend left a box at the script (itself maybe spent in the mempool too),
  // created by a transaction that spends `boxId`; a closing one left none.
  const candidates = await chain.unspentByErgoTree(ergoTree, { excludeMempoolSpent: false });
  for (const candidate of candidates.filter((c) => !parentOf || parentOf(c) === boxId)) {
    const tx = await chain.unconfirmedTransaction(candidate.transactionId);
    if (tx?.inputs.some((input) => input.boxId === boxId))
      return { status: "spent", by: spenderOf(tx, boxId) };
  }
  // Known to the index and gone from the mempool-applied UTXO set: a mempool transaction closed it.
  return indexed ? { status: "spent", by: { outputs: [] } } : undefined;
}
