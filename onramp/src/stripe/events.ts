import type Stripe from "stripe";

/** What every Stripe event carries. */
export interface EventHead {
  readonly eventId: string;
  readonly type: string;
  /** When Stripe created the event (not when it was delivered: deliveries may come late and out of order). */
  readonly created: Date;
}

interface SessionRef extends EventHead {
  readonly orderId: string;
  readonly sessionId: string;
}

/** The buyer paid (a card at once, or an async method that has now cleared). */
export interface PaidEvent extends SessionRef {
  readonly kind: "paid";
  readonly paymentIntent: string;
  /** What Stripe collected: compare with the order's price before delivering. */
  readonly amountTotalCents: number;
  readonly currency: string;
}

/** The buyer submitted an async payment (e.g. a bank debit) that has not cleared yet: deliver nothing. */
export interface PendingEvent extends SessionRef {
  readonly kind: "pending";
  readonly paymentIntent: string;
}

/** The async payment failed: nothing was collected. */
export interface FailedEvent extends SessionRef {
  readonly kind: "failed";
  readonly paymentIntent: string | undefined;
}

/** The session expired unpaid. */
export interface ExpiredEvent extends SessionRef {
  readonly kind: "expired";
}

/**
 * Money went back (fully or in part). Stripe copies the PaymentIntent's metadata onto its charge once, when the
 * charge is created, so `orderId` is there for charges of on-ramp sessions; `paymentIntent` is the sure key.
 */
export interface RefundedEvent extends EventHead {
  readonly kind: "refunded";
  readonly orderId: string | undefined;
  readonly paymentIntent: string;
  readonly chargeId: string;
  readonly amountRefundedCents: number;
  readonly fullyRefunded: boolean;
}

/** The buyer's bank disputes the charge. A dispute carries no metadata of ours: find the order by `paymentIntent`. */
export interface DisputedEvent extends EventHead {
  readonly kind: "disputed";
  readonly paymentIntent: string;
  readonly chargeId: string;
  readonly disputeId: string;
  readonly amountCents: number;
  readonly reason: string;
}

/** An event the on-ramp does not act on; `why` says so for the log. */
export interface IgnoredEvent extends EventHead {
  readonly kind: "ignored";
  readonly why: string;
}

/** A verified Stripe event, as the on-ramp reads it. */
export type CheckoutEvent =
  | PaidEvent
  | PendingEvent
  | FailedEvent
  | ExpiredEvent
  | RefundedEvent
  | DisputedEvent
  | IgnoredEvent;

/** Reads a verified Stripe event into what it says about an on-ramp order. */
export function readEvent(event: Stripe.Event): CheckoutEvent {
  const head: EventHead = { eventId: event.id, type: event.type, created: new Date(event.created * 1000) };
  switch (event.type) {
    case "checkout.session.completed":
      return completed(head, event.data.object);
    case "checkout.session.async_payment_succeeded":
      return fromSession(head, event.data.object, "paid");
    case "checkout.session.async_payment_failed":
      return fromSession(head, event.data.object, "failed");
    case "checkout.session.expired":
      return fromSession(head, event.data.object, "expired");
    case "charge.refunded":
      return refunded(head, event.data.object);
    case "charge.dispute.created":
      return disputed(head, event.data.object);
    default:
      return ignored(head, "the on-ramp does not act on this event type");
  }
}

// `completed` means the buyer finished the page; only `paid` means money. An async method completes `unpaid`
// and is settled later by async_payment_succeeded / _failed.
function completed(head: EventHead, session: Stripe.Checkout.Session): CheckoutEvent {
  if (session.payment_status === "paid") return fromSession(head, session, "paid");
  if (session.payment_status === "unpaid") return fromSession(head, session, "pending");
  return ignored(head, `a completed session with payment_status ${session.payment_status}: nothing was paid`);
}

function fromSession(
  head: EventHead,
  session: Stripe.Checkout.Session,
  kind: "paid" | "pending" | "failed" | "expired",
): CheckoutEvent {
  const orderId = session.metadata?.order_id ?? session.client_reference_id ?? undefined;
  if (session.mode !== "payment" || !orderId) return ignored(head, "not an on-ramp Checkout Session");
  const ref = { ...head, orderId, sessionId: session.id };
  const paymentIntent = idOf(session.payment_intent);
  if (kind === "expired") return { ...ref, kind };
  if (kind === "failed") return { ...ref, kind, paymentIntent };
  if (!paymentIntent) return ignored(head, `a ${kind} Checkout Session without a payment intent`);
  if (kind === "pending") return { ...ref, kind, paymentIntent };
  const amountTotalCents = session.amount_total ?? 0;
  return { ...ref, kind, paymentIntent, amountTotalCents, currency: session.currency ?? "" };
}

function refunded(head: EventHead, charge: Stripe.Charge): CheckoutEvent {
  const paymentIntent = idOf(charge.payment_intent);
  // Checkout always pays through a PaymentIntent: a bare charge is not the on-ramp's.
  if (!paymentIntent) return ignored(head, "a charge without a payment intent");
  return {
    ...head,
    kind: "refunded",
    orderId: charge.metadata.order_id,
    paymentIntent,
    chargeId: charge.id,
    amountRefundedCents: charge.amount_refunded,
    fullyRefunded: charge.refunded,
  };
}

function disputed(head: EventHead, dispute: Stripe.Dispute): CheckoutEvent {
  const paymentIntent = idOf(dispute.payment_intent);
  if (!paymentIntent) return ignored(head, "a dispute of a charge without a payment intent");
  return {
    ...head,
    kind: "disputed",
    paymentIntent,
    chargeId: typeof dispute.charge === "string" ? dispute.charge : dispute.charge.id,
    disputeId: dispute.id,
    amountCents: dispute.amount,
    reason: dispute.reason,
  };
}

const ignored = (head: EventHead, why: string): IgnoredEvent => ({ ...head, kind: "ignored", why });

/** An expandable reference: an id, or the expanded object. */
export const idOf = (ref: string | { id: string } | null): string | undefined =>
  typeof ref === "string" ? ref : ref?.id;
