import type { Box } from "../tx/types.ts";
import type { Chain } from "./chain.ts";
import type { IndexedBox, PageQuery, SortDirection } from "./store.ts";

export interface UnspentQuery {
  readonly offset: number;
  readonly limit: number;
  readonly direction: SortDirection;
  /** Also list outputs of mempool transactions (after the confirmed ones when ascending, before when descending). */
  readonly includeUnconfirmed: boolean;
  /** Leave out confirmed boxes that a mempool transaction spends. */
  readonly excludeMempoolSpent: boolean;
}

export type BoxSelector = { readonly ergoTree: string } | { readonly tokenId: string };

/** A listed box: `indexed` is absent for outputs of unconfirmed transactions. */
export interface ListedBox {
  readonly box: Box;
  readonly indexed?: IndexedBox;
}

/**
 * Unspent boxes by ErgoTree or token, paged over the confirmed boxes (by global index) and the mempool's outputs
 * as one list, as the node's `/blockchain/box/unspent/...` endpoints order them.
 */
export async function unspentBoxes(
  chain: Chain,
  selector: BoxSelector,
  query: UnspentQuery,
): Promise<ListedBox[]> {
  const store = chain.store;
  const excludeBoxIds = query.excludeMempoolSpent ? chain.mempool.spentBoxIds() : [];
  const confirmedPage = async (offset: number, limit: number): Promise<ListedBox[]> => {
    if (limit <= 0) return [];
    const page: PageQuery = { offset, limit, direction: query.direction, excludeBoxIds };
    const boxes =
      "ergoTree" in selector
        ? await store.unspentByErgoTree(selector.ergoTree, page)
        : await store.unspentByTokenId(selector.tokenId, page);
    return boxes.map((indexed) => ({ box: indexed.box, indexed }));
  };
  const unconfirmed = query.includeUnconfirmed
    ? chain.mempool
        .unspentOutputs()
        .filter((box) => matches(box, selector))
        .map((box) => ({ box }))
    : [];
  if (query.direction === "desc") {
    const newestFirst = unconfirmed.reverse();
    const head = newestFirst.slice(query.offset, query.offset + query.limit);
    const rest = await confirmedPage(
      Math.max(0, query.offset - newestFirst.length),
      query.limit - head.length,
    );
    return [...head, ...rest];
  }
  const confirmed = await confirmedPage(query.offset, query.limit);
  if (confirmed.length === query.limit || unconfirmed.length === 0) return confirmed;
  const confirmedTotal =
    confirmed.length > 0
      ? query.offset + confirmed.length
      : await countConfirmed(chain, selector, excludeBoxIds);
  const start = Math.max(0, query.offset - confirmedTotal);
  return [...confirmed, ...unconfirmed.slice(start, start + query.limit - confirmed.length)];
}

function matches(box: Box, selector: BoxSelector): boolean {
  if ("ergoTree" in selector) return box.ergoTree === selector.ergoTree;
  return box.assets.some((asset) => asset.tokenId === selector.tokenId);
}

function countConfirmed(
  chain: Chain,
  selector: BoxSelector,
  excludeBoxIds: readonly string[],
): Promise<number> {
  return "ergoTree" in selector
    ? chain.store.countUnspentByErgoTree(selector.ergoTree, excludeBoxIds)
    : chain.store.countUnspentByTokenId(selector.tokenId, excludeBoxIds);
}
