import type { Database } from "@gpuc/platform";

/** Stripe events by id: each is handled once, whatever Stripe redelivers. */
export class EventsRepository {
  constructor(private readonly db: Database) {}

  /** Records the event; false when its id was stored before (a redelivery: change nothing). */
  async record(
    event: { id: string; type: string; kind: string; paymentIntent?: string; created: Date },
    now: Date,
  ): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO onramp_events (id, type, kind, payment_intent, outcome, created, received_at)
       VALUES ($1, $2, $3, $4, 'received', $5, $6) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [event.id, event.type, event.kind, event.paymentIntent ?? null, event.created, now],
    );
    return rows.length === 1;
  }

  async setOutcome(id: string, outcome: string, orderId?: string): Promise<void> {
    await this.db.query("UPDATE onramp_events SET outcome = $2, order_id = $3 WHERE id = $1", [
      id,
      outcome,
      orderId ?? null,
    ]);
  }

  /** Reversals (refund, dispute) that named `paymentIntent` before any order had it, oldest first. */
  async unmatchedReversals(paymentIntent: string): Promise<{ id: string; kind: "refunded" | "disputed" }[]> {
    return this.db.query(
      `SELECT id, kind FROM onramp_events WHERE payment_intent = $1 AND outcome = 'unknown_order'
          AND kind IN ('refunded', 'disputed') ORDER BY created, received_at`,
      [paymentIntent],
    );
  }

  /** The events of an order, oldest first (for the operator). */
  async forOrder(orderId: string): Promise<{ id: string; type: string; outcome: string; created: Date }[]> {
    return this.db.query(
      "SELECT id, type, outcome, created FROM onramp_events WHERE order_id = $1 ORDER BY created, received_at",
      [orderId],
    );
  }
}
