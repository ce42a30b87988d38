// Stripe's API objects as the stand-in serves them: the fields of Stripe's documented shapes that a Checkout
// integration reads (https://docs.stripe.com/api/checkout/sessions/object, /payment_intents/object,
// /charges/object, /refunds/object, /disputes/object, /events/object), with Stripe's names and nulls.
import { randomBytes } from "node:crypto";

/** `cs_test_…`, `pi_…`, `ch_…`, `re_…`, `dp_…`, `evt_…`, `req_…`: Stripe's prefixes, random bodies. */
export const stripeId = (prefix: string) => `${prefix}_${randomBytes(12).toString("base64url")}`;

export const nowSeconds = () => Math.floor(Date.now() / 1000);

export type Metadata = Record<string, string>;

export interface StandInSession {
  id: string;
  object: "checkout.session";
  amount_subtotal: number;
  amount_total: number;
  cancel_url: string | null;
  client_reference_id: string | null;
  created: number;
  currency: string;
  customer: null;
  customer_email: string | null;
  expires_at: number;
  livemode: false;
  metadata: Metadata;
  mode: "payment";
  payment_intent: string | null;
  payment_method_types: string[];
  payment_status: "paid" | "unpaid" | "no_payment_required";
  status: "open" | "complete" | "expired";
  success_url: string | null;
  total_details: { amount_discount: number; amount_shipping: number; amount_tax: number };
  ui_mode: "hosted";
  url: string | null;
}

export interface StandInPaymentIntent {
  id: string;
  object: "payment_intent";
  amount: number;
  amount_received: number;
  created: number;
  currency: string;
  latest_charge: string | null;
  livemode: false;
  metadata: Metadata;
  status: "processing" | "succeeded" | "requires_payment_method";
}

export interface StandInCharge {
  id: string;
  object: "charge";
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  captured: boolean;
  created: number;
  currency: string;
  disputed: boolean;
  livemode: false;
  /** Copied from the PaymentIntent when the charge is created (once: later PI updates do not follow). */
  metadata: Metadata;
  paid: boolean;
  payment_intent: string;
  refunded: boolean;
  status: "pending" | "succeeded" | "failed";
}

export interface StandInRefund {
  id: string;
  object: "refund";
  amount: number;
  charge: string;
  created: number;
  currency: string;
  metadata: Metadata;
  payment_intent: string;
  reason: string | null;
  status: "succeeded";
}

export interface StandInDispute {
  id: string;
  object: "dispute";
  amount: number;
  charge: string;
  created: number;
  currency: string;
  is_charge_refundable: boolean;
  livemode: false;
  metadata: Metadata;
  payment_intent: string;
  reason: string;
  status: "needs_response";
}

/** The API request an event came from (`null`s for the buyer's and the dashboard's actions). */
export interface EventRequest {
  readonly id: string | null;
  readonly idempotency_key: string | null;
}

export interface StandInEvent {
  id: string;
  object: "event";
  api_version: string;
  created: number;
  data: { object: object };
  livemode: false;
  pending_webhooks: number;
  request: EventRequest;
  type: string;
}

/** Stripe's error body (https://docs.stripe.com/api/errors). */
export interface StripeErrorBody {
  error: { type: string; message: string; code?: string; param?: string };
}
