import type { SignedTransaction } from "@gpuc/offchain";
import type { Database } from "@gpuc/platform";

export interface Delivery {
  readonly txId: string;
  readonly signedTx: SignedTransaction;
  readonly state: "pending" | "included" | "void";
  readonly includedHeight: number | null;
}

interface DeliveryRow {
  tx_id: string;
  signed_tx: SignedTransaction;
  state: Delivery["state"];
  included_height: number | null;
}

/** An order delivered by a block: how long it took from payment to confirmation. */
export interface Confirmed {
  readonly orderId: string;
  readonly paidAt: Date | null;
}

/**
 * The delivery transactions, signed before they are sent, and the orders they pay. A delivery is `pending`
 * until a block includes it (then `included`, and its orders `delivered` after the confirmations); a rollback
 * makes it pending again, to be resubmitted with the very same bytes.
 */
export class DeliveriesRepository {
  constructor(private readonly db: Database) {}

  async insert(signed: SignedTransaction, gpucUnits: bigint, now: Date): Promise<void> {
    await this.db.query(
      "INSERT INTO onramp_deliveries (tx_id, signed_tx, state, gpuc_units, created_at) VALUES ($1, $2, 'pending', $3, $4)",
      [signed.id, JSON.stringify(signed), gpucUnits.toString(), now],
    );
  }

  async pending(): Promise<Delivery[]> {
    const rows = await this.db.query<DeliveryRow>(
      "SELECT tx_id, signed_tx, state, included_height FROM onramp_deliveries WHERE state = 'pending' ORDER BY created_at, tx_id",
    );
    return rows.map((row) => ({
      txId: row.tx_id,
      signedTx: row.signed_tx,
      state: row.state,
      includedHeight: row.included_height,
    }));
  }

  async markSubmitted(txId: string, now: Date): Promise<void> {
    await this.db.query(
      "UPDATE onramp_deliveries SET submitted_at = COALESCE(submitted_at, $2) WHERE tx_id = $1",
      [txId, now],
    );
  }

  /** Marks the pending deliveries among `txIds` as included at `height`; returns how many were. */
  async markIncluded(txIds: readonly string[], height: number): Promise<number> {
    if (txIds.length === 0) return 0;
    const rows = await this.db.query(
      `UPDATE onramp_deliveries SET state = 'included', included_height = $2
        WHERE tx_id = ANY($1) AND state = 'pending' RETURNING tx_id`,
      [txIds, height],
    );
    return rows.length;
  }

  /**
   * Orders whose delivery has `confirmations` blocks at `tip` become `delivered` (a reversed, flagged order
   * keeps its state but records the height); returns those that were delivering.
   */
  async confirm(tip: number, confirmations: number, now: Date): Promise<Confirmed[]> {
    const rows = await this.db.query<{ id: string; paid_at: Date | null; was: string }>(
      `WITH due AS (
         SELECT o.id, o.state AS was FROM onramp_orders o JOIN onramp_deliveries d ON d.tx_id = o.delivery_tx_id
          WHERE d.state = 'included' AND d.included_height <= $1 AND o.delivered_height IS NULL FOR UPDATE OF o)
       UPDATE onramp_orders o SET delivered_height = d.included_height, delivered_at = $2, updated_at = $2,
              state = CASE WHEN o.state = 'delivering' THEN 'delivered' ELSE o.state END
         FROM due, onramp_deliveries d WHERE o.id = due.id AND d.tx_id = o.delivery_tx_id
       RETURNING o.id, o.paid_at, due.was`,
      [tip - confirmations + 1, now],
    );
    return rows
      .filter((row) => row.was === "delivering")
      .map((row) => ({ orderId: row.id, paidAt: row.paid_at }));
  }

  /** Undoes inclusions above `forkHeight`: those deliveries are pending again and their orders delivering. */
  async rollback(forkHeight: number, now: Date): Promise<void> {
    await this.db.query(
      `UPDATE onramp_orders o SET delivered_height = NULL, delivered_at = NULL, updated_at = $2,
              state = CASE WHEN o.state = 'delivered' THEN 'delivering' ELSE o.state END
         FROM onramp_deliveries d
        WHERE d.tx_id = o.delivery_tx_id AND d.state = 'included' AND d.included_height > $1`,
      [forkHeight, now],
    );
    await this.db.query(
      "UPDATE onramp_deliveries SET state = 'pending', included_height = NULL WHERE state = 'included' AND included_height > $1",
      [forkHeight],
    );
  }

  /** A delivery that can never be mined (its inputs went elsewhere): its orders go back to paid, to be paid anew. */
  async voidDelivery(txId: string, now: Date): Promise<number> {
    await this.db.query(
      "UPDATE onramp_deliveries SET state = 'void' WHERE tx_id = $1 AND state = 'pending'",
      [txId],
    );
    const rows = await this.db.query(
      `UPDATE onramp_orders SET state = 'paid', delivery_tx_id = NULL, delivery_output = NULL, updated_at = $2
        WHERE delivery_tx_id = $1 AND state = 'delivering' RETURNING id`,
      [txId, now],
    );
    return rows.length;
  }
}
