import type { Database } from "@gpuc/platform";

/** Stripe events by id: each is handled once, whatever Stripe redelivers. */
export class EventsRepository {
  constructor(private readonly db: Database) {}

  /** Records the event; false when its id was stored before (a redelivery: change nothing). */
  async record(event: { id: string; type: string; created: Date }, now: Date): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO onramp_events (id, type, outcome, created, received_at) VALUES ($1, $2, 'received', $3, $4)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [event.id, event.type, event.created, now],
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

  /** The events of an order, oldest first (for the operator). */
  async forOrder(orderId: string): Promise<{ id: string; type: string; outcome: string; created: Date }[]> {
    return this.db.query(
      "SELECT id, type, outcome, created FROM onramp_events WHERE order_id = $1 ORDER BY created, received_at",
      [orderId],
    );
  }
}
