import type {
  BlockHeader,
  ChainBox,
  IndexedTransaction,
  NodeInfo,
  SignedTransaction,
  UnspentQuery,
} from "./types.ts";

/**
 * What GPUC needs from an Ergo node: the REST API subset of a node with `extraIndex = true`, which the devnet
 * serves too. One implementation (`NodeChainClient`) speaks HTTP to either.
 */
export interface ChainClient {
  info(): Promise<NodeInfo>;
  /** Height of the best full block. */
  height(): Promise<number>;
  /** The newest `count` headers, oldest first (as the node returns them). */
  lastHeaders(count: number): Promise<BlockHeader[]>;
  headerIdsAt(height: number): Promise<string[]>;
  header(headerId: string): Promise<BlockHeader>;
  blockTransactions(headerId: string): Promise<SignedTransaction[]>;
  /**
   * Waits for the tip to leave height `above` (the GPUC devnet's `GET /devnet/blocks/next` long-poll), at most
   * `timeoutMs` (and a minute); resolves to the height then. Undefined from a node without that push (a real Ergo node): poll.
   */
  nextBlock(above: number, options: { timeoutMs: number; signal?: AbortSignal }): Promise<number | undefined>;

  /** An unspent box, confirmed or (with `withPool`) created in the mempool; undefined when spent or unknown. */
  unspentBox(boxId: string, options?: { withPool?: boolean }): Promise<ChainBox | undefined>;
  /** Any box ever created, with its spending transaction, from the indexer. */
  indexedBox(boxId: string): Promise<ChainBox | undefined>;
  unspentByAddress(address: string, query?: UnspentQuery): Promise<ChainBox[]>;
  unspentByErgoTree(ergoTree: string, query?: UnspentQuery): Promise<ChainBox[]>;
  unspentByTokenId(tokenId: string, query?: UnspentQuery): Promise<ChainBox[]>;

  /** A confirmed transaction, from the indexer. */
  transaction(txId: string): Promise<IndexedTransaction | undefined>;
  unconfirmedTransaction(txId: string): Promise<SignedTransaction | undefined>;

  /** Submits a signed transaction; resolves to its id or throws `ChainRejectedError`. */
  submit(tx: SignedTransaction): Promise<string>;
  /** Validates a signed transaction against the current state without submitting it. */
  check(tx: SignedTransaction): Promise<string>;
}
