import type { Database } from "@gpuc/platform";
import type { Order, OrderFlag, OrderListQuery, OrderState, Quote } from "@gpuc/sdk";

interface OrderRow {
  id: string;
  quote_id: string;
  address: string;
  gpuc_units: string;
  currency: "usd";
  total_cents: string;
  state: OrderState;
  session_id: string | null;
  checkout_url: string | null;
  payment_intent: string | null;
  delivery_tx_id: string | null;
  delivery_output: number | null;
  delivered_height: number | null;
  flag: OrderFlag | null;
  handled_at: Date | null;
  created_at: Date;
  paid_at: Date | null;
  delivered_at: Date | null;
  updated_at: Date;
}

/** An order as the services use it: the wire shape plus what only the server sees. */
export interface StoredOrder extends Order {
  readonly sessionId: string | null;
  readonly paymentIntent: string | null;
  readonly deliveryOutput: number | null;
}

/** The states whose GPUC the float still owes (sold, not yet taken out of the float's boxes by a mined delivery). */
export const OWED_STATES: readonly OrderState[] = ["created", "open", "awaiting_payment", "paid"];

/** On-ramp orders. Money-moving updates name the state they expect, so a racing writer changes nothing. */
export class OrdersRepository {
  constructor(private readonly db: Database) {}

  /** Stores the order for a quote; the existing one when the quote already has one (a retried checkout). */
  async insertForQuote(id: string, quote: Quote, now: Date): Promise<StoredOrder> {
    await this.db.query(
      `INSERT INTO onramp_orders (id, quote_id, address, gpuc_units, currency, total_cents, state, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'created', $7, $7) ON CONFLICT (quote_id) DO NOTHING`,
      [id, quote.id, quote.address, quote.gpuc, quote.currency, quote.totalCents, now],
    );
    return (await this.byQuote(quote.id))!;
  }

  async byQuote(quoteId: string): Promise<StoredOrder | undefined> {
    return this.one("quote_id = $1", [quoteId]);
  }

  async byId(id: string, options: { forUpdate?: boolean } = {}): Promise<StoredOrder | undefined> {
    return this.one("id = $1", [id], options.forUpdate);
  }

  async byPaymentIntent(paymentIntent: string): Promise<StoredOrder | undefined> {
    return this.one("payment_intent = $1", [paymentIntent], true);
  }

  async bySession(sessionId: string): Promise<StoredOrder | undefined> {
    return this.one("session_id = $1", [sessionId], true);
  }

  async setSession(id: string, session: { id: string; url: string }, now: Date): Promise<void> {
    await this.db.query(
      `UPDATE onramp_orders SET session_id = $2, checkout_url = $3, updated_at = $4,
         state = CASE WHEN state = 'created' THEN 'open' ELSE state END
       WHERE id = $1`,
      [id, session.id, session.url, now],
    );
  }

  /** Moves an order on a payment event; `paymentIntent` is kept the first time one is seen. */
  async applyChange(
    id: string,
    change: { state: OrderState; flag?: OrderFlag; paymentIntent?: string },
    now: Date,
  ): Promise<void> {
    await this.db.query(
      `UPDATE onramp_orders SET state = $2, flag = COALESCE($3, flag), payment_intent = COALESCE(payment_intent, $4),
         paid_at = CASE WHEN $2 = 'paid' THEN $5 ELSE paid_at END,
         checkout_url = CASE WHEN $2 IN ('open', 'awaiting_payment') THEN checkout_url ELSE NULL END,
         updated_at = $5
       WHERE id = $1`,
      [id, change.state, change.flag ?? null, change.paymentIntent ?? null, now],
    );
  }

  /** Cents `address` (or, without it, everyone) ordered since `since`, failed and expired orders aside. */
  async centsSince(since: Date, address?: string): Promise<number> {
    const [row] = await this.db.query<{ cents: string }>(
      `SELECT COALESCE(SUM(total_cents), 0) AS cents FROM onramp_orders
        WHERE created_at >= $1 AND state NOT IN ('failed', 'expired') AND ($2::text IS NULL OR address = $2)`,
      [since, address ?? null],
    );
    return Number(row!.cents);
  }

  /** GPUC units sold and not yet paid out by a delivery in a block: what the float's balance must still cover. */
  async owedUnits(): Promise<bigint> {
    const [row] = await this.db.query<{ units: string }>(
      `SELECT COALESCE(SUM(o.gpuc_units), 0) AS units FROM onramp_orders o
         LEFT JOIN onramp_deliveries d ON d.tx_id = o.delivery_tx_id
        WHERE o.state = ANY($1) OR (o.delivery_tx_id IS NOT NULL AND d.state = 'pending')`,
      [OWED_STATES],
    );
    return BigInt(row!.units);
  }

  /** Paid orders awaiting delivery, oldest first, locked against a racing refund until the batch is stored. */
  async paidForDelivery(limit: number): Promise<StoredOrder[]> {
    const rows = await this.db.query<OrderRow>(
      `SELECT * FROM onramp_orders WHERE state = 'paid' ORDER BY paid_at, id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return rows.map(toOrder);
  }

  async assignDelivery(ids: readonly string[], txId: string, now: Date): Promise<void> {
    await this.db.query(
      `UPDATE onramp_orders o SET state = 'delivering', delivery_tx_id = $2, delivery_output = x.n - 1, updated_at = $3
         FROM unnest($1::uuid[]) WITH ORDINALITY AS x(id, n) WHERE o.id = x.id AND o.state = 'paid'`,
      [ids, txId, now],
    );
  }

  async list(query: OrderListQuery, address?: string) {
    const where = `($1::text IS NULL OR address = $1) AND ($2::text IS NULL OR state = $2)
      AND ($3::boolean IS NULL OR (flag IS NOT NULL AND handled_at IS NULL) = $3)`;
    const values = [
      address ?? null,
      query.state ?? null,
      query.flagged === undefined ? null : query.flagged === "true",
    ];
    const offset = (query.page - 1) * query.limit;
    const [rows, [count]] = await Promise.all([
      this.db.query<OrderRow>(
        `SELECT * FROM onramp_orders WHERE ${where} ORDER BY created_at DESC, id LIMIT $4 OFFSET $5`,
        [...values, query.limit, offset],
      ),
      this.db.query<{ total: string }>(`SELECT COUNT(*) AS total FROM onramp_orders WHERE ${where}`, values),
    ]);
    return { items: rows.map(toOrder), page: query.page, limit: query.limit, total: Number(count!.total) };
  }

  async markHandled(id: string, now: Date): Promise<boolean> {
    const rows = await this.db.query(
      "UPDATE onramp_orders SET handled_at = $2, updated_at = $2 WHERE id = $1 AND flag IS NOT NULL AND handled_at IS NULL RETURNING id",
      [id, now],
    );
    return rows.length === 1;
  }

  /** GPUC units sold (paid or beyond, not reversed) in the 24 hours before `now`: a day of sales. */
  async unitsSoldSince(since: Date): Promise<bigint> {
    const [row] = await this.db.query<{ units: string }>(
      `SELECT COALESCE(SUM(gpuc_units), 0) AS units FROM onramp_orders
        WHERE paid_at >= $1 AND state IN ('paid', 'delivering', 'delivered')`,
      [since],
    );
    return BigInt(row!.units);
  }

  /** Orders flagged for the operator and not yet handled. */
  async flaggedCount(): Promise<number> {
    const [row] = await this.db.query<{ n: string }>(
      "SELECT COUNT(*) AS n FROM onramp_orders WHERE flag IS NOT NULL AND handled_at IS NULL",
    );
    return Number(row!.n);
  }

  /** Orders per state, for `/metrics`. */
  async countsByState(): Promise<Map<OrderState, number>> {
    const rows = await this.db.query<{ state: OrderState; n: string }>(
      "SELECT state, COUNT(*) AS n FROM onramp_orders GROUP BY state",
    );
    return new Map(rows.map((row) => [row.state, Number(row.n)]));
  }

  private async one(where: string, values: unknown[], forUpdate = false): Promise<StoredOrder | undefined> {
    const [row] = await this.db.query<OrderRow>(
      `SELECT * FROM onramp_orders WHERE ${where}${forUpdate ? " FOR UPDATE" : ""}`,
      values,
    );
    return row && toOrder(row);
  }
}

const iso = (date: Date | null) => date?.toISOString() ?? null;

function toOrder(row: OrderRow): StoredOrder {
  return {
    id: row.id,
    quoteId: row.quote_id,
    address: row.address,
    state: row.state,
    gpuc: row.gpuc_units,
    totalCents: Number(row.total_cents),
    currency: row.currency,
    checkoutUrl: row.checkout_url,
    deliveryTxId: row.delivery_tx_id,
    deliveredHeight: row.delivered_height,
    flag: row.flag,
    handledAt: iso(row.handled_at),
    createdAt: row.created_at.toISOString(),
    paidAt: iso(row.paid_at),
    deliveredAt: iso(row.delivered_at),
    updatedAt: row.updated_at.toISOString(),
    sessionId: row.session_id,
    paymentIntent: row.payment_intent,
    deliveryOutput: row.delivery_output,
  };
}
