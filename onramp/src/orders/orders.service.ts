import { randomUUID } from "node:crypto";
import { crashPoint, type Database, type Logger } from "@gpuc/platform";
import type { Order, OrderListQuery } from "@gpuc/sdk";
import {
  DailyLimitError,
  FloatTooSmallError,
  OrderNotFoundError,
  OrderStateError,
  PaymentProviderError,
  QuoteExpiredError,
  QuoteNotFoundError,
} from "../errors.ts";
import type { QuotesRepository } from "../quotes/quotes.repository.ts";
import type { OrdersRepository, StoredOrder } from "./orders.repository.ts";

/** What the checkout needs of the card processor (Stripe Checkout; a stand-in in tests). */
export interface CheckoutGateway {
  createSession(request: {
    orderId: string;
    address: string;
    gpucUnits: bigint;
    amountCents: number;
    currency: "usd";
    productName: string;
    successUrl: string;
    cancelUrl: string;
    expiresAt?: Date;
  }): Promise<{ id: string; url: string | null }>;
}

/** What the checkout needs of the delivery side: the float's balance, and a nudge when there is work. */
export interface FloatView {
  floatBalance(): Promise<bigint>;
}

export interface OrdersOptions {
  readonly db: Database;
  readonly orders: OrdersRepository;
  readonly quotes: QuotesRepository;
  readonly gateway: CheckoutGateway;
  readonly float: FloatView;
  readonly limits: { readonly dailyPerAddressCents: number; readonly dailyTotalCents: number };
  /** The app's origin: Checkout returns the buyer to its order page. */
  readonly publicUrl: string;
  readonly log: Logger;
  readonly now?: () => Date;
}

const DAY_MS = 24 * 3600 * 1000;
/** Stripe's shortest Checkout Session life. */
const SESSION_LIFE_MS = 30 * 60 * 1000;
/** Advisory-lock key of the sales checks: two checkouts never both spend the float's last GPUC or a limit. */
const SALES_LOCK = 0x6f6e73616c65; // "onsale"

/** Public view of a stored order (what only the server needs stays here). */
export function publicOrder(order: StoredOrder): Order {
  const { sessionId: _s, paymentIntent: _p, deliveryOutput: _d, ...view } = order;
  return view;
}

/**
 * Checkout: a quote becomes an order, stored before Stripe is called, and a Checkout Session for exactly the
 * quote's amount. Limits and the float are checked first, under one lock, so nobody pays for GPUC that could
 * not be delivered. A retried checkout of the same quote returns the same order and, through the idempotency
 * key, the same session.
 */
export class OrdersService {
  readonly #o: OrdersOptions;
  readonly #now: () => Date;

  constructor(options: OrdersOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => new Date());
  }

  async checkout(address: string, quoteId: string): Promise<Order> {
    const order = await this.#o.db.transaction(() => this.#storeOrder(address, quoteId));
    crashPoint("onramp.order.stored"); // stored, no session: the retried checkout creates it
    if (order.state !== "created") return publicOrder(order);
    return publicOrder(await this.#openSession(order));
  }

  async get(address: string, id: string): Promise<Order> {
    const order = await this.#o.orders.byId(id);
    if (!order || order.address !== address) throw new OrderNotFoundError(id);
    return publicOrder(order);
  }

  /** Operator: any order. */
  async admin(id: string): Promise<Order> {
    const order = await this.#o.orders.byId(id);
    if (!order) throw new OrderNotFoundError(id);
    return publicOrder(order);
  }

  async list(query: OrderListQuery, address?: string) {
    const page = await this.#o.orders.list(query, address);
    return { ...page, items: page.items.map(publicOrder) };
  }

  /** Operator: a stuck order moves again (a checkout that never reached Stripe). */
  async retry(id: string): Promise<Order> {
    const order = await this.#o.orders.byId(id);
    if (!order) throw new OrderNotFoundError(id);
    if (order.state === "created") return publicOrder(await this.#openSession(order));
    if (order.state === "paid" || order.state === "delivering") return publicOrder(order);
    throw new OrderStateError(id, order.state, "retried");
  }

  /** Operator: a refund or dispute after delivery has been dealt with (off chain). */
  async markHandled(id: string): Promise<Order> {
    if (!(await this.#o.orders.markHandled(id, this.#now()))) {
      const order = await this.#o.orders.byId(id);
      if (!order) throw new OrderNotFoundError(id);
      throw new OrderStateError(
        id,
        order.flag ? `${order.state} (already handled)` : order.state,
        "marked handled",
      );
    }
    return publicOrder((await this.#o.orders.byId(id))!);
  }

  async #storeOrder(address: string, quoteId: string): Promise<StoredOrder> {
    const { db, orders, quotes } = this.#o;
    await db.query("SELECT pg_advisory_xact_lock($1)", [SALES_LOCK]);
    const existing = await orders.byQuote(quoteId);
    if (existing) {
      if (existing.address !== address) throw new QuoteNotFoundError(quoteId);
      return existing;
    }
    const quote = await quotes.find(quoteId, address);
    if (!quote) throw new QuoteNotFoundError(quoteId);
    const now = this.#now();
    if (new Date(quote.expiresAt) <= now) throw new QuoteExpiredError(quoteId, new Date(quote.expiresAt));
    await this.#checkLimits(address, quote.totalCents, now);
    await this.#checkFloat(BigInt(quote.gpuc));
    return orders.insertForQuote(randomUUID(), quote, now);
  }

  async #checkLimits(address: string, cents: number, now: Date): Promise<void> {
    const since = new Date(now.getTime() - DAY_MS);
    const { dailyPerAddressCents, dailyTotalCents } = this.#o.limits;
    const mine = await this.#o.orders.centsSince(since, address);
    if (mine + cents > dailyPerAddressCents) throw new DailyLimitError("address", mine, dailyPerAddressCents);
    const all = await this.#o.orders.centsSince(since);
    if (all + cents > dailyTotalCents) throw new DailyLimitError("total", all, dailyTotalCents);
  }

  async #checkFloat(units: bigint): Promise<void> {
    const [balance, owed] = await Promise.all([this.#o.float.floatBalance(), this.#o.orders.owedUnits()]);
    if (balance - owed < units) throw new FloatTooSmallError(units, balance - owed);
  }

  async #openSession(order: StoredOrder): Promise<StoredOrder> {
    const base = this.#o.publicUrl;
    let session: { id: string; url: string | null };
    try {
      session = await this.#o.gateway.createSession({
        orderId: order.id,
        address: order.address,
        gpucUnits: BigInt(order.gpuc),
        amountCents: order.totalCents,
        currency: order.currency,
        productName: "GPUC credit",
        successUrl: `${base}/onramp/orders/${order.id}`,
        cancelUrl: `${base}/onramp/orders/${order.id}?cancelled=1`,
        // From the stored order, not the clock: a retried create must send the very same parameters, or Stripe
        // refuses the reused idempotency key.
        expiresAt: new Date(Date.parse(order.createdAt) + SESSION_LIFE_MS + 60_000),
      });
    } catch (error) {
      this.#o.log.error("ONRAMP_CHECKOUT_FAILED", { orderId: order.id, error });
      throw new PaymentProviderError(error instanceof Error ? error.message : String(error));
    }
    crashPoint("onramp.session.created"); // Stripe has it, we do not: the retry's idempotency key finds it again
    await this.#o.orders.setSession(order.id, { id: session.id, url: session.url ?? "" }, this.#now());
    return (await this.#o.orders.byId(order.id))!;
  }
}
