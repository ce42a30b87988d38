import Stripe from "stripe";
import type { CheckoutGateway } from "../orders/orders.service.ts";
import type { PaymentOutcome } from "../orders/transitions.ts";
import type { PaymentEvent } from "../webhooks/webhooks.service.ts";
import { StripeSignatureError } from "./errors.ts";

export interface StripeClientOptions {
  readonly secretKey: string;
  /** Stripe's API by default; another base (e.g. `http://127.0.0.1:12111`, a stand-in) for tests. */
  readonly apiBase?: string;
  readonly timeoutMs?: number;
}

/** The official client, pointed at `apiBase` through its host/port/protocol options when one is given. */
export function createStripeClient(options: StripeClientOptions): Stripe {
  const base = options.apiBase ? new URL(options.apiBase) : undefined;
  return new Stripe(options.secretKey, {
    timeout: options.timeoutMs ?? 20_000,
    maxNetworkRetries: 2,
    appInfo: { name: "gpuc-onramp" },
    ...(base && {
      host: base.hostname,
      port: base.port || (base.protocol === "https:" ? 443 : 80),
      protocol: base.protocol === "https:" ? "https" : "http",
    }),
  });
}

/** What each Stripe event type the on-ramp acts on says about its order. */
const SESSION_OUTCOMES: Record<string, PaymentOutcome> = {
  "checkout.session.async_payment_succeeded": "paid",
  "checkout.session.async_payment_failed": "failed",
  "checkout.session.expired": "expired",
};

/**
 * Stripe Checkout as the on-ramp uses it: a session per order (idempotent by order id), and webhook events
 * verified over the raw body and read into `PaymentEvent`s.
 */
export class StripeCheckout implements CheckoutGateway {
  constructor(
    private readonly stripe: Stripe,
    private readonly webhookSecret: string,
  ) {}

  async createSession(request: Parameters<CheckoutGateway["createSession"]>[0]) {
    const metadata = {
      order_id: request.orderId,
      address: request.address,
      gpuc_units: request.gpucUnits.toString(),
    };
    const session = await this.stripe.checkout.sessions.create(
      {
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
        // Refunds and disputes name the payment intent and its charge, not the session: carry the order there too.
        payment_intent_data: { metadata },
        success_url: request.successUrl,
        cancel_url: request.cancelUrl,
        ...(request.expiresAt && { expires_at: Math.floor(request.expiresAt.getTime() / 1000) }),
      },
      { idempotencyKey: `checkout-${request.orderId}` },
    );
    return { id: session.id, url: session.url };
  }

  /** Verifies `signature` over the raw body (5 minutes' tolerance, Stripe's default) and reads the event. */
  verify(rawBody: Buffer, signature: string | undefined): PaymentEvent {
    if (!signature) throw new StripeSignatureError("no Stripe-Signature header");
    let event: Stripe.Event;
    try {
      event = this.stripe.webhooks.constructEvent(rawBody, signature, this.webhookSecret, 300);
    } catch (error) {
      throw new StripeSignatureError(error instanceof Error ? error.message : String(error));
    }
    return readEvent(event);
  }
}

/** A verified Stripe event, reduced to what it says about an order. */
export function readEvent(event: Stripe.Event): PaymentEvent {
  const base = { eventId: event.id, type: event.type, created: new Date(event.created * 1000) };
  const object = event.data.object as unknown as StripeObject;
  if (event.type === "checkout.session.completed") {
    return {
      ...base,
      ...fromSession(object),
      outcome: object.payment_status === "unpaid" ? "pending" : "paid",
    };
  }
  const sessionOutcome = SESSION_OUTCOMES[event.type];
  if (sessionOutcome) return { ...base, ...fromSession(object), outcome: sessionOutcome };
  if (event.type === "charge.refunded") return { ...base, ...fromCharge(object), outcome: "refunded" };
  if (event.type === "charge.dispute.created") return { ...base, ...fromCharge(object), outcome: "disputed" };
  return { ...base, outcome: "ignored" };
}

/** The fields of a session, charge or dispute object the on-ramp reads (all optional: never trust the shape). */
interface StripeObject {
  readonly id?: string;
  readonly object?: string;
  readonly payment_status?: string;
  readonly client_reference_id?: string | null;
  readonly metadata?: Record<string, string> | null;
  readonly payment_intent?: string | { id?: string } | null;
}

const idOf = (ref: StripeObject["payment_intent"]) =>
  typeof ref === "string" ? ref : (ref?.id ?? undefined);

function fromSession(session: StripeObject) {
  return {
    orderId: session.metadata?.order_id ?? session.client_reference_id ?? undefined,
    sessionId: session.id,
    paymentIntent: idOf(session.payment_intent),
  };
}

function fromCharge(charge: StripeObject) {
  return { orderId: charge.metadata?.order_id, paymentIntent: idOf(charge.payment_intent) };
}
