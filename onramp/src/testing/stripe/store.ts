// The stand-in's Stripe account: sessions, payment intents, charges and refunds, and the moves between them
// that Stripe makes (the buyer pays, an async payment clears or fails, a refund, a dispute, an expiry). Each
// move returns the event Stripe would send; sending it is the caller's part.
import { noSuch, StandInApiError, StandInParamError } from "./errors.ts";
import {
  type Metadata,
  nowSeconds,
  type StandInCharge,
  type StandInDispute,
  type StandInPaymentIntent,
  type StandInRefund,
  type StandInSession,
  stripeId,
} from "./objects.ts";
import type { RefundCreateParams, SessionCreateParams } from "./params.ts";

/** An event to send: its type and the object it snapshots. */
export interface Emission {
  readonly type: string;
  readonly object: object;
}

const MIN_LIFE_S = 30 * 60;
const MAX_LIFE_S = 24 * 3600;
// Stripe's minimum charge in USD; other currencies have their own minimums, the stand-in only knows this one.
const MIN_USD_CENTS = 50;

export class StandInStore {
  readonly sessions = new Map<string, StandInSession>();
  readonly paymentIntents = new Map<string, StandInPaymentIntent>();
  readonly charges = new Map<string, StandInCharge>();
  readonly refunds = new Map<string, StandInRefund>();
  /** What the session was created with that its object does not show. */
  readonly #extras = new Map<string, { productName: string; intentMetadata: Metadata }>();

  createSession(params: SessionCreateParams, hostedPage: (id: string) => string): StandInSession {
    const created = nowSeconds();
    const currency = checkCurrency(params.line_items.map((item) => item.price_data.currency));
    const amount = params.line_items.reduce(
      (sum, item) => sum + item.price_data.unit_amount * item.quantity,
      0,
    );
    if (currency === "usd" && amount < MIN_USD_CENTS)
      throw new StandInParamError(
        400,
        "The Checkout Session's total amount due must add up to at least $0.50 usd",
      );
    const expiresAt = params.expires_at ?? created + MAX_LIFE_S;
    if (expiresAt < created + MIN_LIFE_S || expiresAt > created + MAX_LIFE_S)
      throw new StandInParamError(400, "expires_at must be between 30 minutes and 24 hours from now", {
        param: "expires_at",
      });
    const id = stripeId("cs_test");
    const session: StandInSession = {
      id,
      object: "checkout.session",
      amount_subtotal: amount,
      amount_total: amount,
      cancel_url: params.cancel_url ?? null,
      client_reference_id: params.client_reference_id ?? null,
      created,
      currency,
      customer: null,
      customer_email: params.customer_email ?? null,
      expires_at: expiresAt,
      livemode: false,
      metadata: params.metadata ?? {},
      mode: "payment",
      payment_intent: null,
      payment_method_types: ["card"],
      payment_status: "unpaid",
      status: "open",
      success_url: params.success_url ?? null,
      total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
      ui_mode: "hosted",
      url: hostedPage(id),
    };
    this.sessions.set(id, session);
    const productName = params.line_items[0]!.price_data.product_data.name;
    this.#extras.set(id, { productName, intentMetadata: params.payment_intent_data?.metadata ?? {} });
    return session;
  }

  session(id: string): StandInSession {
    const session = this.sessions.get(id);
    if (!session) throw noSuch("checkout.session", id, "session");
    return session;
  }

  productName(id: string): string {
    return this.#extras.get(id)?.productName ?? "";
  }

  /** Open and not past `expires_at`: the hosted page takes payment. */
  isOpen(session: StandInSession): boolean {
    return session.status === "open" && session.expires_at > nowSeconds();
  }

  /**
   * The buyer pays on the hosted page: a PaymentIntent with the session's `payment_intent_data.metadata`, and
   * its charge with a copy of it. A card clears at once; an async method (`async`) completes the session
   * unpaid, its charge pending, until `settleAsync`.
   */
  pay(sessionId: string, async = false): Emission {
    const session = this.session(sessionId);
    if (!this.isOpen(session))
      throw new StandInApiError(
        400,
        `Checkout Session ${sessionId} is ${session.status}: it takes no payment`,
      );
    const created = nowSeconds();
    const metadata = { ...this.#extras.get(sessionId)?.intentMetadata };
    const base = { created, currency: session.currency, livemode: false as const };
    const intent: StandInPaymentIntent = {
      ...base,
      id: stripeId("pi"),
      object: "payment_intent",
      amount: session.amount_total,
      amount_received: async ? 0 : session.amount_total,
      latest_charge: null,
      metadata,
      status: async ? "processing" : "succeeded",
    };
    const charge = this.#chargeFor(intent, async);
    intent.latest_charge = charge.id;
    this.paymentIntents.set(intent.id, intent);
    this.charges.set(charge.id, charge);
    Object.assign(session, {
      status: "complete",
      payment_status: async ? "unpaid" : "paid",
      payment_intent: intent.id,
      url: null,
    });
    return { type: "checkout.session.completed", object: session };
  }

  /** An async payment clears (`succeeded`) or fails. */
  settleAsync(sessionId: string, succeeded: boolean): Emission {
    const { session, intent, charge } = this.#paid(sessionId);
    if (intent.status !== "processing")
      throw new StandInApiError(400, `PaymentIntent ${intent.id} is ${intent.status}, not processing`);
    intent.status = succeeded ? "succeeded" : "requires_payment_method";
    intent.amount_received = succeeded ? intent.amount : 0;
    Object.assign(charge, {
      status: succeeded ? "succeeded" : "failed",
      paid: succeeded,
      captured: succeeded,
    });
    if (succeeded) session.payment_status = "paid";
    const type = `checkout.session.async_payment_${succeeded ? "succeeded" : "failed"}`;
    return { type, object: session };
  }

  /** The session closes unpaid (its time ran out, or the merchant expired it). */
  expire(sessionId: string): Emission {
    const session = this.session(sessionId);
    if (session.status !== "open")
      throw new StandInApiError(400, `Only Checkout Sessions with a status in ["open"] can be expired`);
    Object.assign(session, { status: "expired", url: null });
    return { type: "checkout.session.expired", object: session };
  }

  /** Money back to the buyer, all of what is left unless `amount` says less. */
  refund(params: RefundCreateParams): { refund: StandInRefund; emission: Emission } {
    const charge = this.#refundable(params);
    const amount = params.amount ?? charge.amount - charge.amount_refunded;
    if (amount > charge.amount - charge.amount_refunded)
      throw new StandInParamError(
        400,
        `Refund amount is greater than the unrefunded amount on charge ${charge.id}`,
        {
          code: "amount_too_large",
          param: "amount",
        },
      );
    const refund: StandInRefund = {
      id: stripeId("re"),
      object: "refund",
      amount,
      charge: charge.id,
      created: nowSeconds(),
      currency: charge.currency,
      metadata: params.metadata ?? {},
      payment_intent: charge.payment_intent,
      reason: params.reason ?? null,
      status: "succeeded",
    };
    this.refunds.set(refund.id, refund);
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    return { refund, emission: { type: "charge.refunded", object: charge } };
  }

  /** The buyer's bank disputes the charge. Disputes carry their own (empty) metadata, not the charge's. */
  dispute(sessionId: string, reason = "fraudulent"): Emission {
    const { charge } = this.#paid(sessionId);
    charge.disputed = true;
    const dispute: StandInDispute = {
      id: stripeId("dp"),
      object: "dispute",
      amount: charge.amount - charge.amount_refunded,
      charge: charge.id,
      created: nowSeconds(),
      currency: charge.currency,
      is_charge_refundable: false,
      livemode: false,
      metadata: {},
      payment_intent: charge.payment_intent,
      reason,
      status: "needs_response",
    };
    return { type: "charge.dispute.created", object: dispute };
  }

  #chargeFor(intent: StandInPaymentIntent, pending: boolean): StandInCharge {
    return {
      id: stripeId("ch"),
      object: "charge",
      amount: intent.amount,
      amount_captured: pending ? 0 : intent.amount,
      amount_refunded: 0,
      captured: !pending,
      created: intent.created,
      currency: intent.currency,
      disputed: false,
      livemode: false,
      metadata: { ...intent.metadata },
      paid: !pending,
      payment_intent: intent.id,
      refunded: false,
      status: pending ? "pending" : "succeeded",
    };
  }

  #paid(sessionId: string) {
    const session = this.session(sessionId);
    const intent = session.payment_intent ? this.paymentIntents.get(session.payment_intent) : undefined;
    const charge = intent?.latest_charge ? this.charges.get(intent.latest_charge) : undefined;
    if (!intent || !charge) throw new StandInApiError(400, `Checkout Session ${sessionId} has not been paid`);
    return { session, intent, charge };
  }

  #refundable(params: RefundCreateParams): StandInCharge {
    const charge = params.charge
      ? this.charges.get(params.charge)
      : [...this.charges.values()].find((c) => c.payment_intent === params.payment_intent);
    if (!params.charge && !params.payment_intent)
      throw new StandInParamError(400, "Missing required param: payment_intent.", {
        param: "payment_intent",
      });
    if (!charge)
      throw params.charge
        ? noSuch("charge", params.charge, "charge", 400)
        : noSuch("payment_intent", params.payment_intent ?? "", "payment_intent", 400);
    if (charge.status !== "succeeded")
      throw new StandInApiError(
        400,
        `PaymentIntent ${charge.payment_intent} does not have a successful charge to refund`,
      );
    if (charge.refunded)
      throw new StandInApiError(400, `Charge ${charge.id} has already been refunded.`, {
        code: "charge_already_refunded",
      });
    return charge;
  }
}

function checkCurrency(currencies: string[]): string {
  const [first, ...rest] = currencies;
  if (rest.some((currency) => currency !== first))
    throw new StandInParamError(400, "All line items must use the same currency", { param: "line_items" });
  return first!;
}
