import type { Database } from "@gpuc/platform";

/** A box a rule kept, as the index holds it. `kind` is the name of the rule that kept it. */
export interface IndexedBox {
  boxId: string;
  kind: string;
  txId: string;
  outputIndex: number;
  ergoTree: string;
  value: bigint;
  assets: { tokenId: string; amount: string }[];
  registers: Record<string, string>;
  creationHeight: number;
  inclusionHeight: number;
  /** GPUC units the box holds. */
  gpuc: bigint;
  spentTxId: string | null;
  spentHeight: number | null;
}

export interface IndexedBlock {
  height: number;
  headerId: string;
  parentId: string;
  timestamp: number;
}

interface BoxRow {
  box_id: string;
  kind: string;
  tx_id: string;
  output_index: number;
  ergo_tree: string;
  value: bigint;
  assets: { tokenId: string; amount: string }[];
  registers: Record<string, string>;
  creation_height: number;
  inclusion_height: number;
  gpuc: bigint;
  spent_tx_id: string | null;
  spent_height: number | null;
}

const toBox = (row: BoxRow): IndexedBox => ({
  boxId: row.box_id,
  kind: row.kind,
  txId: row.tx_id,
  outputIndex: row.output_index,
  ergoTree: row.ergo_tree,
  value: row.value,
  assets: row.assets,
  registers: row.registers,
  creationHeight: row.creation_height,
  inclusionHeight: row.inclusion_height,
  gpuc: row.gpuc,
  spentTxId: row.spent_tx_id,
  spentHeight: row.spent_height,
});

/**
 * The chain index: the followed blocks (the highest is the cursor) and the kept boxes with their spends. Every
 * query runs in the enclosing `db.transaction`, so a subscriber reading it in a block's transaction sees that
 * block already applied.
 */
export class IndexStore {
  constructor(private readonly db: Database) {}

  async tip(): Promise<IndexedBlock | undefined> {
    const rows = await this.db.query<{
      height: number;
      header_id: string;
      parent_id: string;
      timestamp: bigint;
    }>("SELECT height, header_id, parent_id, timestamp FROM chain_blocks ORDER BY height DESC LIMIT 1");
    const row = rows[0];
    return (
      row && {
        height: row.height,
        headerId: row.header_id,
        parentId: row.parent_id,
        timestamp: Number(row.timestamp),
      }
    );
  }

  async blockAt(height: number): Promise<IndexedBlock | undefined> {
    const rows = await this.db.query<{ header_id: string; parent_id: string; timestamp: bigint }>(
      "SELECT header_id, parent_id, timestamp FROM chain_blocks WHERE height = $1",
      [height],
    );
    const row = rows[0];
    return (
      row && { height, headerId: row.header_id, parentId: row.parent_id, timestamp: Number(row.timestamp) }
    );
  }

  async insertBlock(block: IndexedBlock): Promise<void> {
    await this.db.query(
      "INSERT INTO chain_blocks (height, header_id, parent_id, timestamp) VALUES ($1, $2, $3, $4)",
      [block.height, block.headerId, block.parentId, block.timestamp],
    );
  }

  async insertBox(box: Omit<IndexedBox, "spentTxId" | "spentHeight">): Promise<void> {
    await this.db.query(
      `INSERT INTO chain_boxes (box_id, kind, tx_id, output_index, ergo_tree, value, assets, registers,
                                creation_height, inclusion_height, gpuc)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (box_id) DO NOTHING`,
      [
        box.boxId,
        box.kind,
        box.txId,
        box.outputIndex,
        box.ergoTree,
        box.value,
        JSON.stringify(box.assets),
        JSON.stringify(box.registers),
        box.creationHeight,
        box.inclusionHeight,
        box.gpuc,
      ],
    );
  }

  /** Marks indexed boxes spent; returns those that were indexed. */
  async markSpent(boxIds: readonly string[], txId: string, height: number): Promise<IndexedBox[]> {
    if (boxIds.length === 0) return [];
    const rows = await this.db.query<BoxRow>(
      "UPDATE chain_boxes SET spent_tx_id = $2, spent_height = $3 WHERE box_id = ANY($1) RETURNING *",
      [boxIds, txId, height],
    );
    return rows.map(toBox);
  }

  /** Unwinds every block above `height`: boxes created there vanish, spends made there are undone. */
  async unwindAbove(height: number): Promise<void> {
    await this.db.query("DELETE FROM chain_boxes WHERE inclusion_height > $1", [height]);
    await this.db.query(
      "UPDATE chain_boxes SET spent_tx_id = NULL, spent_height = NULL WHERE spent_height > $1",
      [height],
    );
    await this.db.query("DELETE FROM chain_blocks WHERE height > $1", [height]);
  }

  async box(boxId: string): Promise<IndexedBox | undefined> {
    const rows = await this.db.query<BoxRow>("SELECT * FROM chain_boxes WHERE box_id = $1", [boxId]);
    return rows[0] && toBox(rows[0]);
  }

  async unspentByKind(kind: string): Promise<IndexedBox[]> {
    const rows = await this.db.query<BoxRow>(
      "SELECT * FROM chain_boxes WHERE kind = $1 AND spent_tx_id IS NULL ORDER BY inclusion_height, box_id",
      [kind],
    );
    return rows.map(toBox);
  }

  /** The unspent box of `kind` whose register `register` equals `value` (e.g. a stake by its owner R4). */
  async unspentByRegister(kind: string, register: string, value: string): Promise<IndexedBox[]> {
    const rows = await this.db.query<BoxRow>(
      `SELECT * FROM chain_boxes WHERE kind = $1 AND spent_tx_id IS NULL AND registers ->> $2 = $3
       ORDER BY inclusion_height DESC, box_id`,
      [kind, register, value],
    );
    return rows.map(toBox);
  }

  /** The boxes of `kind` that transaction `txId` created, in output order (a spend's successors). */
  async createdBy(txId: string, kind: string): Promise<IndexedBox[]> {
    const rows = await this.db.query<BoxRow>(
      "SELECT * FROM chain_boxes WHERE tx_id = $1 AND kind = $2 ORDER BY output_index",
      [txId, kind],
    );
    return rows.map(toBox);
  }

  /** GPUC units held by unspent boxes guarded by `ergoTree` (a wallet's balance). */
  async gpucBalance(ergoTree: string): Promise<bigint> {
    const rows = await this.db.query<{ total: bigint | null }>(
      "SELECT SUM(gpuc)::BIGINT AS total FROM chain_boxes WHERE ergo_tree = $1 AND spent_tx_id IS NULL",
      [ergoTree],
    );
    return rows[0]?.total ?? 0n;
  }
}
