import { crashPoint, type Database, type Logger } from "@gpuc/platform";
import type { OrdersRepository, StoredOrder } from "../orders/orders.repository.ts";
import { nextState, type PaymentOutcome } from "../orders/transitions.ts";
import type { EventsRepository } from "./events.repository.ts";

/** A verified Stripe event, as the on-ramp reads it. */
export interface PaymentEvent {
  readonly eventId: string;
  readonly type: string;
  /** When Stripe created it. */
  readonly created: Date;
  /** What it says about an order; `ignored` for event types the on-ramp does not act on. */
  readonly outcome: PaymentOutcome | "ignored";
  readonly orderId?: string;
  readonly sessionId?: string;
  readonly paymentIntent?: string;
}

export interface WebhooksOptions {
  readonly db: Database;
  readonly events: EventsRepository;
  readonly orders: OrdersRepository;
  /** Verifies the signature over the raw body and reads the event; throws when it does not verify. */
  readonly verify: (rawBody: Buffer, signature: string | undefined) => PaymentEvent;
  /** Runs after an order became paid (the delivery step); its failure is logged, never the webhook's. */
  readonly onPaid: () => Promise<unknown>;
  readonly log: Logger;
  readonly now?: () => Date;
}

/**
 * Stripe's webhook: the signature is checked on the raw body before anything is read or stored, each event id
 * is stored once, and the event moves its order in the same database transaction. Redelivered, parallel and
 * out-of-order events are therefore harmless: the second copy finds its id, and the order rules only move forward.
 */
export class WebhooksService {
  readonly #o: WebhooksOptions;
  readonly #now: () => Date;

  constructor(options: WebhooksOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => new Date());
  }

  async receive(
    rawBody: Buffer,
    signature: string | undefined,
  ): Promise<{ received: true; duplicate: boolean }> {
    const event = this.#o.verify(rawBody, signature);
    const { fresh, paid } = await this.#o.db.transaction(() => this.#apply(event));
    crashPoint("onramp.event.stored"); // stored and applied, not acknowledged: Stripe's redelivery is a duplicate
    if (paid)
      this.#o.onPaid().catch((error: unknown) => this.#o.log.error("ONRAMP_DELIVERY_FAILED", { error }));
    return { received: true, duplicate: !fresh };
  }

  async #apply(event: PaymentEvent): Promise<{ fresh: boolean; paid: boolean }> {
    const { events } = this.#o;
    const now = this.#now();
    const record = { ...event, id: event.eventId, kind: event.outcome };
    if (!(await events.record(record, now))) return { fresh: false, paid: false };
    if (event.outcome === "ignored") {
      await events.setOutcome(event.eventId, "ignored");
      return { fresh: true, paid: false };
    }
    const order = await this.#orderOf(event);
    if (!order) {
      this.#o.log.warn("ONRAMP_EVENT_UNKNOWN_ORDER", { eventId: event.eventId, type: event.type });
      await events.setOutcome(event.eventId, "unknown_order");
      return { fresh: true, paid: false };
    }
    let state = await this.#move(order, event.eventId, event.outcome, event.paymentIntent);
    // A refund or dispute Stripe delivered before this payment (out of order) applies now, before any delivery.
    if (state === "paid" && event.paymentIntent) {
      for (const early of await events.unmatchedReversals(event.paymentIntent))
        state = await this.#move({ ...order, state }, early.id, early.kind);
    }
    return { fresh: true, paid: state === "paid" && order.state !== "paid" };
  }

  /** Applies one event's outcome to the order and records what it did; the order's state after it. */
  async #move(order: StoredOrder, eventId: string, outcome: PaymentOutcome, paymentIntent?: string) {
    const change = nextState(order.state, outcome);
    if (change) await this.#o.orders.applyChange(order.id, { ...change, paymentIntent }, this.#now());
    await this.#o.events.setOutcome(
      eventId,
      change ? `${order.state}->${change.state}` : "unchanged",
      order.id,
    );
    if (change?.flag)
      this.#o.log.warn("ONRAMP_REVERSED_AFTER_DELIVERY", { orderId: order.id, flag: change.flag });
    return change?.state ?? order.state;
  }

  /** The order an event is about: by the order id in its metadata, else its payment intent, else its session. */
  async #orderOf(event: PaymentEvent): Promise<StoredOrder | undefined> {
    const { orders } = this.#o;
    if (event.orderId && isUuid(event.orderId)) {
      const order = await orders.byId(event.orderId, { forUpdate: true });
      if (order) return order;
    }
    if (event.paymentIntent) {
      const order = await orders.byPaymentIntent(event.paymentIntent);
      if (order) return order;
    }
    return event.sessionId ? orders.bySession(event.sessionId) : undefined;
  }
}

const isUuid = (text: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text);
