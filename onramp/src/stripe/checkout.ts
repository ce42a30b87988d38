import Stripe from "stripe";
import { CheckoutUrlMissingError, StripeIdempotencyConflictError, StripeRequestError } from "./errors.ts";
import { type CheckoutEvent, idOf, readEvent } from "./events.ts";
import { verifyEvent } from "./signature.ts";

/** One on-ramp order's Checkout Session: the price is fixed by its quote, the GPUC go to `address`. */
export interface CheckoutRequest {
  readonly orderId: string;
  readonly address: string;
  readonly gpucUnits: bigint;
  readonly amountCents: number;
  readonly currency: "usd";
  readonly productName: string;
  readonly successUrl: string;
  readonly cancelUrl: string;
  /** Between 30 minutes and 24 hours from now (Stripe's bounds; its default is 24 hours). */
  readonly expiresAt?: Date;
}

/** Where to send the buyer, and until when the page takes payment. */
export interface CheckoutSessionLink {
  readonly id: string;
  readonly url: string;
  readonly expiresAt: Date;
}

/** A session as Stripe reports it now (for reconciling orders whose webhook never came). */
export interface CheckoutSessionState {
  readonly id: string;
  readonly status: Stripe.Checkout.Session.Status | null;
  readonly paymentStatus: Stripe.Checkout.Session.PaymentStatus;
  readonly orderId: string | undefined;
  readonly paymentIntent: string | undefined;
  readonly amountTotalCents: number;
  readonly expiresAt: Date;
}

export interface RefundReceipt {
  readonly id: string;
  readonly paymentIntent: string;
  readonly amountCents: number;
  /** `pending`, `succeeded`, `failed`, … (`charge.refunded` follows when the money goes back). */
  readonly status: string | null;
}

/**
 * Stripe Checkout as the on-ramp uses it. Every write carries an idempotency key derived from the order, so a
 * retried call (after a timeout or a crash) finds Stripe's first answer instead of charging twice.
 *
 * @example
 * const checkout = new StripeCheckout(createStripeClient({ secretKey }));
 * const { url } = await checkout.createSession({ orderId, address, gpucUnits, amountCents, currency: "usd", … });
 */
export class StripeCheckout {
  readonly #stripe: Stripe;

  constructor(stripe: Stripe) {
    this.#stripe = stripe;
  }

  async createSession(request: CheckoutRequest): Promise<CheckoutSessionLink> {
    const key = `checkout-${request.orderId}`;
    const session = await call("create the Checkout Session", key, () =>
      this.#stripe.checkout.sessions.create(sessionParams(request), { idempotencyKey: key }),
    );
    if (!session.url) throw new CheckoutUrlMissingError(session.id);
    return { id: session.id, url: session.url, expiresAt: new Date(session.expires_at * 1000) };
  }

  async retrieveSession(id: string): Promise<CheckoutSessionState> {
    return sessionState(
      await call(`retrieve Checkout Session ${id}`, undefined, () =>
        this.#stripe.checkout.sessions.retrieve(id),
      ),
    );
  }

  /** Closes an unpaid session's page (Stripe then sends `checkout.session.expired`). */
  async expireSession(id: string): Promise<CheckoutSessionState> {
    return sessionState(
      await call(`expire Checkout Session ${id}`, undefined, () => this.#stripe.checkout.sessions.expire(id)),
    );
  }

  /** Refunds the whole payment; once per order, however often it is called. */
  async refund(request: { paymentIntent: string; orderId: string }): Promise<RefundReceipt> {
    const key = `refund-${request.orderId}`;
    const refund = await call(`refund ${request.paymentIntent}`, key, () =>
      this.#stripe.refunds.create(
        { payment_intent: request.paymentIntent, metadata: { order_id: request.orderId } },
        { idempotencyKey: key },
      ),
    );
    return {
      id: refund.id,
      paymentIntent: idOf(refund.payment_intent) ?? request.paymentIntent,
      amountCents: refund.amount,
      status: refund.status,
    };
  }

  /**
   * Verifies a webhook over its raw body (the bytes Stripe sent, not re-serialized JSON) and reads it;
   * throws `StripeSignatureError` when the header is missing or malformed, the signature does not match, or
   * it was signed more than `toleranceS` seconds ago.
   */
  parseEvent(
    rawBody: Buffer,
    signatureHeader: string | undefined,
    secret: string,
    toleranceS = 300,
  ): CheckoutEvent {
    return readEvent(verifyEvent(this.#stripe.webhooks, rawBody, signatureHeader, secret, toleranceS));
  }
}

function sessionParams(request: CheckoutRequest): Stripe.Checkout.SessionCreateParams {
  const metadata = {
    order_id: request.orderId,
    address: request.address,
    gpuc_units: request.gpucUnits.toString(),
  };
  return {
    mode: "payment",
    line_items: [
      {
        quantity: 1,
        price_data: {
          currency: request.currency,
          unit_amount: request.amountCents,
          product_data: { name: request.productName },
        },
      },
    ],
    client_reference_id: request.orderId,
    metadata,
    // Session metadata stays on the session; refunds and disputes name the PaymentIntent and its charge,
    // which get the order only through payment_intent_data.
    payment_intent_data: { metadata },
    success_url: request.successUrl,
    cancel_url: request.cancelUrl,
    ...(request.expiresAt && { expires_at: Math.floor(request.expiresAt.getTime() / 1000) }),
  };
}

function sessionState(session: Stripe.Checkout.Session): CheckoutSessionState {
  return {
    id: session.id,
    status: session.status,
    paymentStatus: session.payment_status,
    orderId: session.metadata?.order_id ?? session.client_reference_id ?? undefined,
    paymentIntent: idOf(session.payment_intent),
    amountTotalCents: session.amount_total ?? 0,
    expiresAt: new Date(session.expires_at * 1000),
  };
}

/** Runs one Stripe call, turning the library's errors into the on-ramp's. */
async function call<T>(operation: string, key: string | undefined, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeError)) throw error;
    if (key && error instanceof Stripe.errors.StripeIdempotencyError)
      throw new StripeIdempotencyConflictError(operation, key);
    throw new StripeRequestError(operation, {
      statusCode: error.statusCode,
      type: error.type,
      code: error.code,
      requestId: error.requestId,
      message: error.message,
    });
  }
}
