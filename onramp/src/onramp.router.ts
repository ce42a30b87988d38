import { createRouteKit, HttpError, type Route } from "@gpuc/platform/http";
import {
  checkoutRequest,
  orderListQuery,
  orderPage,
  orderSchema,
  quoteRequest,
  quoteSchema,
  webhookAck,
} from "@gpuc/sdk";
import { z } from "zod";
import type { Onramp } from "./onramp.ts";

/** Who is calling an on-ramp route: a signed-in wallet (the host's principal has at least this). */
export interface OnrampPrincipal {
  readonly address: string;
}

/** The path Stripe posts events to: the host must hand its raw body (a Buffer) to the route, not parsed JSON. */
export const STRIPE_WEBHOOK_PATH = "/api/v1/onramp/stripe/webhook";

const orderId = z.object({ id: z.uuid() });

/**
 * The on-ramp's routes, for a host that admits callers by `R` (the marketplace: its scopes): the buyer's quote,
 * checkout and orders; the operator's list, retry and handled; and Stripe's webhook (public, signature-checked).
 */
export function onrampRoutes<R extends string>(
  onramp: Onramp,
  auth: { readonly buyer: R; readonly operator: R },
): Route<R, OnrampPrincipal>[] {
  const { defineRoute } = createRouteKit<OnrampPrincipal, R>();
  const tag = "onramp";
  return [
    defineRoute({
      method: "post",
      path: "/api/v1/onramp/quotes",
      tag,
      summary:
        "Price GPUC in USD (Config price × ERG/USD oracle, spread and card fee apart); valid until expiresAt",
      auth: auth.buyer,
      body: quoteRequest,
      response: quoteSchema,
      status: 201,
      errors: [422, 503],
      handle: ({ principal, body }) => onramp.quotes.create(principal.address, body),
    }),
    defineRoute({
      method: "post",
      path: "/api/v1/onramp/orders",
      tag,
      summary:
        "Check out a quote: the order and its Stripe Checkout URL (retrying the same quote returns the same order)",
      auth: auth.buyer,
      body: checkoutRequest,
      response: orderSchema,
      status: 201,
      errors: [404, 409, 502],
      handle: ({ principal, body }) => onramp.orders.checkout(principal.address, body.quoteId),
    }),
    defineRoute({
      method: "get",
      path: "/api/v1/onramp/orders",
      tag,
      summary: "This wallet's on-ramp orders, newest first",
      auth: auth.buyer,
      query: orderListQuery,
      response: orderPage,
      handle: ({ principal, query }) => onramp.orders.list(query, principal.address),
    }),
    defineRoute({
      method: "get",
      path: "/api/v1/onramp/orders/{id}",
      tag,
      summary: "One of this wallet's on-ramp orders",
      auth: auth.buyer,
      params: orderId,
      response: orderSchema,
      errors: [404],
      handle: ({ principal, params }) => onramp.orders.get(principal.address, params.id),
    }),
    defineRoute({
      method: "get",
      path: "/api/v1/onramp/admin/orders",
      tag,
      summary: "Operator: every on-ramp order (filter by state, or flagged=true for refunds after delivery)",
      auth: auth.operator,
      query: orderListQuery,
      response: orderPage,
      handle: ({ query }) => onramp.orders.list(query),
    }),
    defineRoute({
      method: "post",
      path: "/api/v1/onramp/admin/orders/{id}/retry",
      tag,
      summary:
        "Operator: move a stuck order again (a checkout that never reached Stripe; a paid order's delivery)",
      auth: auth.operator,
      params: orderId,
      response: orderSchema,
      errors: [404, 409, 502],
      handle: async ({ params }) => {
        const order = await onramp.orders.retry(params.id);
        if (order.state === "paid" || order.state === "delivering") await onramp.delivery.tick();
        return onramp.orders.admin(params.id);
      },
    }),
    defineRoute({
      method: "post",
      path: "/api/v1/onramp/admin/orders/{id}/handled",
      tag,
      summary: "Operator: a refund or dispute after delivery has been dealt with",
      auth: auth.operator,
      params: orderId,
      response: orderSchema,
      errors: [404, 409],
      handle: ({ params }) => onramp.orders.markHandled(params.id),
    }),
    defineRoute({
      method: "post",
      path: STRIPE_WEBHOOK_PATH,
      tag,
      summary:
        "Stripe's webhook: verified on the raw body with the endpoint secret, each event id handled once",
      response: webhookAck,
      errors: [400],
      handle: ({ req }) => {
        if (!Buffer.isBuffer(req.body)) throw new HttpError(400, "Expected the raw event body Stripe signed");
        return onramp.webhooks.receive(req.body, req.get("stripe-signature"));
      },
    }),
  ];
}
