import type { IndexedBox, IndexStore } from "@gpuc/indexer";
import type { Database } from "@gpuc/platform";

export interface BoxSums {
  indexed: bigint;
  bank: bigint;
  escrowed: bigint;
  escrows: bigint;
}

/** A `chain_boxes` row as the index stores it. */
interface HistoryRow {
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

export interface EscrowSpendRow {
  day: string;
  recreated: boolean;
  provider: bigint | null;
  fees: bigint | null;
}

/** What the auditor's totals read: sums over the chain index, its Bank and account history, and disputes. */
export class TotalsRepository {
  constructor(
    private readonly db: Database,
    private readonly index: IndexStore,
  ) {}

  async sums(): Promise<BoxSums> {
    const [row] = await this.db.query<BoxSums>(
      `SELECT COALESCE(SUM(gpuc), 0)::BIGINT AS indexed,
              COALESCE(SUM(gpuc) FILTER (WHERE kind = 'bank'), 0)::BIGINT AS bank,
              COALESCE(SUM(gpuc) FILTER (WHERE kind = 'escrow'), 0)::BIGINT AS escrowed,
              COUNT(*) FILTER (WHERE kind = 'escrow') AS escrows
         FROM chain_boxes WHERE spent_tx_id IS NULL`,
    );
    return row!;
  }

  /** Every Bank and Credit Account box the index holds, spent or not (the LETS history since deployment). */
  async letsHistory(): Promise<{ bank: IndexedBox[]; accounts: IndexedBox[] }> {
    const [bank, accounts] = await Promise.all([this.#all("bank"), this.#all("account")]);
    return { bank, accounts };
  }

  async unspentAccounts(): Promise<IndexedBox[]> {
    return this.index.unspentByKind("account");
  }

  /**
   * One row per escrow spend: its UTC day, whether it recreated the escrow (a claim), and the GPUC it paid the
   * escrow's provider (the key in its R5) and `treasuryTree`, counting only outputs that name the escrow in R4.
   */
  async escrowSpends(treasuryTree: string | undefined): Promise<EscrowSpendRow[]> {
    return this.db.query<EscrowSpendRow>(
      `SELECT to_char(to_timestamp(b.timestamp / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
              EXISTS (SELECT 1 FROM chain_boxes r WHERE r.tx_id = e.spent_tx_id AND r.kind = 'escrow') AS recreated,
              SUM(p.gpuc) FILTER (WHERE p.ergo_tree = '00' || (e.registers ->> 'R5'))::BIGINT AS provider,
              SUM(p.gpuc) FILTER (WHERE p.ergo_tree = $1)::BIGINT AS fees
         FROM chain_boxes e
         JOIN chain_blocks b ON b.height = e.spent_height
         LEFT JOIN chain_boxes p ON p.tx_id = e.spent_tx_id AND p.registers ->> 'R4' = '0e20' || e.box_id
        WHERE e.kind = 'escrow' AND e.spent_tx_id IS NOT NULL
        GROUP BY 1, e.box_id, e.spent_tx_id
        ORDER BY 1`,
      [treasuryTree ?? ""],
    );
  }

  async openDisputes(): Promise<number> {
    const [row] = await this.db.query<{ count: bigint }>(
      "SELECT COUNT(*) AS count FROM instances WHERE state = 'Disputed'",
    );
    return Number(row?.count ?? 0n);
  }

  /** One query for the whole history of a kind (a Bank box per credit or swap transaction since deployment). */
  async #all(kind: string): Promise<IndexedBox[]> {
    const rows = await this.db.query<HistoryRow>(
      `SELECT box_id, kind, tx_id, output_index, ergo_tree, value, assets, registers, creation_height,
              inclusion_height, gpuc, spent_tx_id, spent_height
         FROM chain_boxes WHERE kind = $1 ORDER BY inclusion_height, box_id`,
      [kind],
    );
    return rows.map((row) => ({
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
    }));
  }
}
