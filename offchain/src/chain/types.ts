import type { Box } from "@fleet-sdk/common";

/** A box as Fleet SDK builds with it (amounts as decimal strings), plus what the node's indexer adds. */
export interface ChainBox extends Box<string> {
  /** Set by the indexer (`/blockchain/...`) endpoints. */
  address?: string;
  inclusionHeight?: number;
  spentTransactionId?: string | null;
  globalIndex?: number;
}

export interface ChainInput {
  boxId: string;
  spendingProof: { proofBytes: string; extension: Record<string, string> };
}

/** A signed transaction as the node's API accepts it (values may be numbers or strings). */
export interface SignedTransaction {
  id: string;
  inputs: ChainInput[];
  dataInputs: { boxId: string }[];
  outputs: ChainBox[];
  size?: number;
}

export interface IndexedTransaction extends SignedTransaction {
  inclusionHeight: number;
  numConfirmations: number;
  blockId: string;
  timestamp: number;
  index: number;
  globalIndex: number;
}

/** The node's `BlockHeader` JSON, as ergo-lib's `BlockHeaders.from_json` reads it. */
export interface BlockHeader {
  id: string;
  parentId: string;
  height: number;
  timestamp: number;
  version: number;
  nBits: number;
  [field: string]: unknown;
}

export interface NodeInfo {
  name: string;
  network: string;
  fullHeight: number | null;
  headersHeight: number | null;
  bestFullHeaderId: string | null;
  [field: string]: unknown;
}

export interface UnspentQuery {
  /** Also return boxes created by unconfirmed transactions (default true: lets callers chain transactions). */
  includeUnconfirmed?: boolean;
  /** Leave out boxes that a mempool transaction spends (default true). */
  excludeMempoolSpent?: boolean;
}
