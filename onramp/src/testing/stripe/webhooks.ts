// Stripe's webhook deliveries: an event wraps a snapshot of its object, signed with the endpoint's secret by
// the official library's own signer, and POSTed as Stripe posts it. Retries carry the same event (same id and
// body) signed afresh, as Stripe's redeliveries do.
import Stripe from "stripe";
import { type EventRequest, nowSeconds, type StandInEvent, stripeId } from "./objects.ts";

export interface WebhookEndpoint {
  readonly url: string;
  /** `whsec_…`: what the receiver verifies with. */
  readonly secret: string;
}

export interface SignedEvent {
  readonly id: string;
  readonly payload: string;
  /** The `Stripe-Signature` header value. */
  readonly header: string;
}

/** One delivery attempt: the receiver's status, or why there was none. */
export interface StandInDelivery {
  readonly event: StandInEvent;
  readonly status?: number;
  readonly error?: string;
}

const NO_REQUEST: EventRequest = { id: null, idempotency_key: null };

/** Builds Stripe's event around a snapshot of `object` (later changes to the object do not show). */
export function buildEvent(type: string, object: object, request: EventRequest = NO_REQUEST): StandInEvent {
  return {
    id: stripeId("evt"),
    object: "event",
    api_version: Stripe.API_VERSION,
    created: nowSeconds(),
    data: { object: structuredClone(object) },
    livemode: false,
    pending_webhooks: 1,
    request,
    type,
  };
}

/** The event's body and its signature at `timestamp` (seconds; now unless given). */
export function signEvent(event: StandInEvent, secret: string, timestamp = nowSeconds()): SignedEvent {
  const payload = JSON.stringify(event, null, 2);
  return {
    id: event.id,
    payload,
    header: Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp }),
  };
}

/** POSTs the event to the endpoint, signed now; resolves to the receiver's status. */
export async function postEvent(endpoint: WebhookEndpoint, event: StandInEvent): Promise<number> {
  const { payload, header } = signEvent(event, endpoint.secret);
  const response = await fetch(endpoint.url, {
    method: "POST",
    headers: {
      "content-type": "application/json; charset=utf-8",
      "stripe-signature": header,
      "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
    },
    body: payload,
    redirect: "manual",
  });
  await response.body?.cancel();
  return response.status;
}
