import type { Database } from "@gpuc/platform";
import { fromWireBox, toWireBox, type WireBox } from "../tx/json.ts";
import type { Box, SpendingProof, Transaction } from "../tx/types.ts";
import { type BlockHeader, orderedHeader } from "./headers.ts";

/** A box with what the node's indexer knows about it. */
export interface IndexedBox {
  readonly box: Box;
  readonly globalIndex: number;
  readonly inclusionHeight: number;
  readonly spentTransactionId: string | null;
  readonly spendingHeight: number | null;
  readonly spendingProof: SpendingProof | null;
}

export interface StoredBlock {
  readonly header: BlockHeader;
  readonly txIds: readonly string[];
  readonly size: number;
}

export interface StoredTransaction {
  readonly tx: Transaction;
  readonly height: number;
  readonly blockIndex: number;
  readonly globalIndex: number;
}

export interface BlockToAppend {
  readonly header: BlockHeader;
  readonly transactions: readonly Transaction[];
}

export type SortDirection = "asc" | "desc";

export interface PageQuery {
  readonly offset: number;
  readonly limit: number;
  readonly direction: SortDirection;
  /** Confirmed boxes to leave out (those a mempool transaction spends). */
  readonly excludeBoxIds: readonly string[];
}

interface BoxRow {
  box: WireBox;
  global_index: bigint;
  inclusion_height: number;
  spent_tx_id: string | null;
  spending_height: number | null;
  spending_proof: SpendingProof | null;
}

const BOX_COLUMNS = "box, global_index, inclusion_height, spent_tx_id, spending_height, spending_proof";

/** The devnet's chain in PostgreSQL: blocks, transactions, and every box with its spend. Owns all the SQL. */
export class ChainStore {
  constructor(private readonly db: Database) {}

  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async hasGenesis(): Promise<boolean> {
    const rows = await this.db.query("SELECT 1 FROM devnet_boxes WHERE inclusion_height = 0 LIMIT 1");
    return rows.length > 0;
  }

  async insertGenesis(boxes: readonly Box[]): Promise<void> {
    await this.#insertBoxes(boxes, 0);
  }

  /** The newest `count` headers, newest first. */
  async lastHeaders(count: number): Promise<BlockHeader[]> {
    const rows = await this.db.query<{ header: BlockHeader }>(
      "SELECT header FROM devnet_blocks ORDER BY height DESC LIMIT $1",
      [count],
    );
    return rows.map((row) => orderedHeader(row.header));
  }

  /** Appends a block: its transactions, their outputs, and marks their inputs spent. Joins the caller's DB tx. */
  async appendBlock(block: BlockToAppend): Promise<void> {
    const { header, transactions } = block;
    const size = transactions.reduce((sum, tx) => sum + tx.size, 0);
    await this.db.query(
      "INSERT INTO devnet_blocks (height, header_id, header, tx_ids, size) VALUES ($1, $2, $3, $4, $5)",
      [header.height, header.id, JSON.stringify(header), transactions.map((tx) => tx.id), size],
    );
    if (transactions.length === 0) return;
    const [next] = await this.db.query<{ next: bigint }>(
      "SELECT coalesce(max(global_index), -1) + 1 AS next FROM devnet_transactions",
    );
    await this.db.query(
      `INSERT INTO devnet_transactions (tx_id, height, block_index, global_index, tx)
       SELECT t->>'id', $2, ord - 1, $3::bigint + ord - 1, t
       FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(t, ord)`,
      [JSON.stringify(transactions.map(toWireTransaction)), header.height, String(next?.next ?? 0n)],
    );
    await this.#insertBoxes(
      transactions.flatMap((tx) => tx.outputs),
      header.height,
    );
    const spends = transactions.flatMap((tx) =>
      tx.inputs.map((input) => ({ boxId: input.boxId, txId: tx.id, proof: input.spendingProof })),
    );
    await this.db.query(
      `UPDATE devnet_boxes AS b SET spent_tx_id = s->>'txId', spending_height = $2, spending_proof = s->'proof'
       FROM jsonb_array_elements($1::jsonb) AS s WHERE b.box_id = s->>'boxId'`,
      [JSON.stringify(spends), header.height],
    );
  }

  /** Undoes every block above `height`: their boxes disappear, the boxes they spent are unspent again. */
  async rollbackTo(height: number): Promise<StoredTransaction[]> {
    const undone = await this.db.query<TransactionRow>(
      `SELECT tx, height, block_index, global_index FROM devnet_transactions WHERE height > $1
       ORDER BY global_index`,
      [height],
    );
    await this.db.query(
      `UPDATE devnet_boxes SET spent_tx_id = NULL, spending_height = NULL, spending_proof = NULL
       WHERE spending_height > $1`,
      [height],
    );
    await this.db.query("DELETE FROM devnet_boxes WHERE inclusion_height > $1", [height]);
    await this.db.query("DELETE FROM devnet_blocks WHERE height > $1", [height]);
    return undone.map(toStoredTransaction);
  }

  async boxes(boxIds: readonly string[]): Promise<Map<string, IndexedBox>> {
    if (boxIds.length === 0) return new Map();
    const rows = await this.db.query<BoxRow>(
      `SELECT ${BOX_COLUMNS} FROM devnet_boxes WHERE box_id = ANY($1)`,
      [boxIds],
    );
    return new Map(rows.map((row) => [row.box.boxId, toIndexedBox(row)]));
  }

  /** Every confirmed box not spent, in creation order (the in-memory UTXO set is loaded from it). */
  async unspentBoxes(): Promise<Box[]> {
    const rows = await this.db.query<{ box: WireBox }>(
      "SELECT box FROM devnet_boxes WHERE spent_tx_id IS NULL ORDER BY global_index",
    );
    return rows.map((row) => fromWireBox(row.box));
  }

  async box(boxId: string): Promise<IndexedBox | undefined> {
    return (await this.boxes([boxId])).get(boxId);
  }

  unspentByErgoTree(ergoTree: string, page: PageQuery): Promise<IndexedBox[]> {
    return this.#unspentPage("tree_hash = md5($1)", ergoTree, page);
  }

  unspentByTokenId(tokenId: string, page: PageQuery): Promise<IndexedBox[]> {
    return this.#unspentPage("token_ids @> ARRAY[$1]::text[]", tokenId, page);
  }

  async countUnspentByErgoTree(ergoTree: string, excludeBoxIds: readonly string[]): Promise<number> {
    return this.#countUnspent("tree_hash = md5($1)", ergoTree, excludeBoxIds);
  }

  async countUnspentByTokenId(tokenId: string, excludeBoxIds: readonly string[]): Promise<number> {
    return this.#countUnspent("token_ids @> ARRAY[$1]::text[]", tokenId, excludeBoxIds);
  }

  async confirmedTransaction(txId: string): Promise<StoredTransaction | undefined> {
    const [row] = await this.db.query<TransactionRow>(
      "SELECT tx, height, block_index, global_index FROM devnet_transactions WHERE tx_id = $1",
      [txId],
    );
    return row ? toStoredTransaction(row) : undefined;
  }

  async blockTransactions(height: number): Promise<Transaction[]> {
    const rows = await this.db.query<TransactionRow>(
      `SELECT tx, height, block_index, global_index FROM devnet_transactions WHERE height = $1
       ORDER BY block_index`,
      [height],
    );
    return rows.map((row) => toStoredTransaction(row).tx);
  }

  async blockAt(height: number): Promise<StoredBlock | undefined> {
    const [row] = await this.db.query<BlockRow>(
      "SELECT header, tx_ids, size FROM devnet_blocks WHERE height = $1",
      [height],
    );
    return row ? toStoredBlock(row) : undefined;
  }

  async blockById(headerId: string): Promise<StoredBlock | undefined> {
    const [row] = await this.db.query<BlockRow>(
      "SELECT header, tx_ids, size FROM devnet_blocks WHERE header_id = $1",
      [headerId],
    );
    return row ? toStoredBlock(row) : undefined;
  }

  async #insertBoxes(boxes: readonly Box[], inclusionHeight: number): Promise<void> {
    if (boxes.length === 0) return;
    const [next] = await this.db.query<{ next: bigint }>(
      "SELECT coalesce(max(global_index), -1) + 1 AS next FROM devnet_boxes",
    );
    await this.db.query(
      `INSERT INTO devnet_boxes (box_id, global_index, inclusion_height, tree_hash, token_ids, box)
       SELECT b->>'boxId', $2::bigint + ord - 1, $3, md5(b->>'ergoTree'),
              ARRAY(SELECT a->>'tokenId' FROM jsonb_array_elements(b->'assets') AS a), b
       FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(b, ord)`,
      [JSON.stringify(boxes.map(toWireBox)), String(next?.next ?? 0n), inclusionHeight],
    );
  }

  async #unspentPage(condition: string, key: string, page: PageQuery): Promise<IndexedBox[]> {
    const order = page.direction === "asc" ? "ASC" : "DESC";
    const rows = await this.db.query<BoxRow>(
      `SELECT ${BOX_COLUMNS} FROM devnet_boxes
       WHERE spent_tx_id IS NULL AND ${condition} AND NOT (box_id = ANY($2))
       ORDER BY global_index ${order} OFFSET $3 LIMIT $4`,
      [key, page.excludeBoxIds, page.offset, page.limit],
    );
    return rows.map(toIndexedBox);
  }

  async #countUnspent(condition: string, key: string, excludeBoxIds: readonly string[]): Promise<number> {
    const [row] = await this.db.query<{ count: bigint }>(
      `SELECT count(*)::bigint AS count FROM devnet_boxes
       WHERE spent_tx_id IS NULL AND ${condition} AND NOT (box_id = ANY($2))`,
      [key, excludeBoxIds],
    );
    return Number(row?.count ?? 0n);
  }
}

interface TransactionRow {
  tx: WireTransaction;
  height: number;
  block_index: number;
  global_index: bigint;
}

interface BlockRow {
  header: BlockHeader;
  tx_ids: string[];
  size: number;
}

interface WireTransaction extends Omit<Transaction, "outputs"> {
  outputs: WireBox[];
}

function toWireTransaction(tx: Transaction): WireTransaction {
  return { ...tx, outputs: tx.outputs.map(toWireBox) };
}

function toStoredTransaction(row: TransactionRow): StoredTransaction {
  return {
    tx: { ...row.tx, outputs: row.tx.outputs.map(fromWireBox) },
    height: row.height,
    blockIndex: row.block_index,
    globalIndex: Number(row.global_index),
  };
}

function toStoredBlock(row: BlockRow): StoredBlock {
  return { header: orderedHeader(row.header), txIds: row.tx_ids, size: row.size };
}

function toIndexedBox(row: BoxRow): IndexedBox {
  return {
    box: fromWireBox(row.box),
    globalIndex: Number(row.global_index),
    inclusionHeight: row.inclusion_height,
    spentTransactionId: row.spent_tx_id,
    spendingHeight: row.spending_height,
    spendingProof: row.spending_proof,
  };
}
