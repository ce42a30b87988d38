import type { Database } from "@gpuc/platform";

export interface BatchRow {
  tx_id: string;
  provider_id: string;
  root: string;
  body: string;
  received_at: Date;
}

export interface ReceiptRow {
  tx_id: string;
  position: number;
  leaf: string;
  instance_id: string;
  period: number;
  seconds: number;
  signed: string;
  signature_ok: boolean;
  root_ok: boolean;
}

export interface NewReceipt extends Omit<ReceiptRow, "tx_id"> {}

export interface MismatchRow {
  tx_id: string;
  instance_id: string;
  kind: string;
  subject: string;
  detail: string;
  found_at: Date;
}

export type NewMismatch = Omit<MismatchRow, "found_at">;

/** A rental as reconciled: its escrow lineage, its provider, and the seconds its executor reported metering. */
export interface Lineage {
  instance_id: string;
  opening_box_id: string;
  provider_address: string;
  billed_seconds: bigint | null;
}

/** Receipt batches (one per settlement transaction), their receipts, and the reconciliation's findings. */
export class ReceiptsRepository {
  constructor(private readonly db: Database) {}

  async batch(txId: string): Promise<BatchRow | undefined> {
    const rows = await this.db.query<BatchRow>("SELECT * FROM receipt_batches WHERE tx_id = $1", [txId]);
    return rows[0];
  }

  /** Stores a batch and its receipts once; resolves to false when a batch with that tx id was already stored. */
  async insertBatch(batch: Omit<BatchRow, "received_at">, receipts: readonly NewReceipt[], now: Date) {
    return this.db.transaction(async () => {
      const inserted = await this.db.query<{ tx_id: string }>(
        `INSERT INTO receipt_batches (tx_id, provider_id, root, body, received_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (tx_id) DO NOTHING RETURNING tx_id`,
        [batch.tx_id, batch.provider_id, batch.root, batch.body, now],
      );
      if (inserted.length === 0) return false;
      for (const receipt of receipts) await this.insertReceipt(batch.tx_id, receipt);
      return true;
    });
  }

  async insertReceipt(txId: string, r: NewReceipt): Promise<void> {
    await this.db.query(
      `INSERT INTO receipts (tx_id, position, leaf, instance_id, period, seconds, signed, signature_ok, root_ok)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [txId, r.position, r.leaf, r.instance_id, r.period, r.seconds, r.signed, r.signature_ok, r.root_ok],
    );
  }

  /** Every receipt of the batch `txId`, in tree order. */
  async ofBatch(txId: string): Promise<ReceiptRow[]> {
    return this.db.query<ReceiptRow>("SELECT * FROM receipts WHERE tx_id = $1 ORDER BY position", [txId]);
  }

  /** The receipts of an instance, by period then batch, with their batch's root. */
  async ofInstance(instanceId: string): Promise<(ReceiptRow & { root: string })[]> {
    return this.db.query(
      `SELECT r.*, b.root FROM receipts r JOIN receipt_batches b ON b.tx_id = r.tx_id
       WHERE r.instance_id = $1 ORDER BY r.period, b.received_at, r.tx_id`,
      [instanceId],
    );
  }

  /** Whether a receipt of `instanceId` has the leaf `leaf`. */
  async hasLeaf(instanceId: string, leaf: string): Promise<boolean> {
    const rows = await this.db.query<{ n: number }>(
      "SELECT 1 AS n FROM receipts WHERE instance_id = $1 AND leaf = $2 LIMIT 1",
      [instanceId, leaf],
    );
    return rows.length > 0;
  }

  /** Every rental with an escrow lineage on chain, with its provider's address and its executor's metered seconds. */
  async lineages(): Promise<Lineage[]> {
    return this.db.query<Lineage>(
      `SELECT i.id AS instance_id, i.opening_box_id, p.owner_address AS provider_address, i.billed_seconds
       FROM instances i JOIN providers p ON p.id = i.provider_id
       WHERE i.opening_box_id IS NOT NULL ORDER BY i.created_at, i.id`,
    );
  }

  /** Records the receipt a dispute names, or the one the arbiter's resolution was about. */
  async setReceiptLeaves(
    instanceId: string,
    leaves: { disputed?: string; resolved?: string },
  ): Promise<void> {
    await this.db.query(
      `UPDATE instances SET dispute_receipt_leaf = COALESCE($2, dispute_receipt_leaf),
         resolved_receipt_leaf = COALESCE($3, resolved_receipt_leaf) WHERE id = $1`,
      [instanceId, leaves.disputed ?? null, leaves.resolved ?? null],
    );
  }

  /** Records findings; one already recorded is left as it was. Resolves to the number new. */
  async recordMismatches(found: readonly NewMismatch[], now: Date): Promise<number> {
    let added = 0;
    for (const m of found) {
      const rows = await this.db.query(
        `INSERT INTO receipt_mismatches (tx_id, instance_id, kind, subject, detail, found_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING kind`,
        [m.tx_id, m.instance_id, m.kind, m.subject, m.detail, now],
      );
      added += rows.length;
    }
    return added;
  }

  /** The latest findings, newest first. */
  async mismatches(limit: number): Promise<MismatchRow[]> {
    return this.db.query<MismatchRow>(
      "SELECT * FROM receipt_mismatches ORDER BY found_at DESC, tx_id, kind, subject LIMIT $1",
      [limit],
    );
  }

  /** Findings by kind (for /metrics and the auditor page). */
  async mismatchCounts(): Promise<Map<string, number>> {
    const rows = await this.db.query<{ kind: string; n: string }>(
      "SELECT kind, count(*) AS n FROM receipt_mismatches GROUP BY kind",
    );
    return new Map(rows.map((row) => [row.kind, Number(row.n)]));
  }
}
