import type { Database } from "@gpuc/platform";

export interface EscrowRefundRow {
  box_id: string;
  instance_id: string;
  reason: string;
  tx_id: string | null;
}

/** Escrow boxes queued for an arbiter refund, and the refund transaction of each. */
export class EscrowRefundsRepository {
  constructor(private readonly db: Database) {}

  /** Queues `boxId` (a box seen again after a rollback keeps its entry and refund transaction). */
  async add(boxId: string, instanceId: string, reason: string, now: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO escrow_refunds (box_id, instance_id, reason, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
       ON CONFLICT (box_id) DO NOTHING`,
      [boxId, instanceId, reason, now],
    );
  }

  /**
   * Queued boxes still unspent in the index. A box some instance has since been funded by (or followed to) is
   * never refunded: it is that rental's escrow.
   */
  async pending(): Promise<EscrowRefundRow[]> {
    return this.db.query<EscrowRefundRow>(
      `SELECT r.box_id, r.instance_id, r.reason, r.tx_id FROM escrow_refunds r
         JOIN chain_boxes b ON b.box_id = r.box_id AND b.spent_tx_id IS NULL
        WHERE NOT EXISTS (SELECT 1 FROM instances i WHERE r.box_id IN (i.escrow_box_id, i.opening_box_id))
        ORDER BY r.created_at, r.box_id`,
    );
  }

  /** Records the refund transaction's id before it is submitted. */
  async setTx(boxId: string, txId: string, now: Date): Promise<void> {
    await this.db.query("UPDATE escrow_refunds SET tx_id = $2, updated_at = $3 WHERE box_id = $1", [
      boxId,
      txId,
      now,
    ]);
  }

  async forInstance(instanceId: string): Promise<EscrowRefundRow[]> {
    return this.db.query<EscrowRefundRow>(
      "SELECT box_id, instance_id, reason, tx_id FROM escrow_refunds WHERE instance_id = $1 ORDER BY created_at, box_id",
      [instanceId],
    );
  }
}
