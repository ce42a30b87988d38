import { testKey } from "@gpuc/offchain/testing/protocol";
import { type Order, orderSchema, type Quote, quoteSchema } from "@gpuc/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STRIPE_WEBHOOK_PATH } from "./onramp.router.ts";
import { type OnrampWorld, startOnrampWorld } from "./testing/onramp-world.ts";

let world: OnrampWorld;

beforeAll(async () => {
  world = await startOnrampWorld();
});
afterAll(() => world?.stop());

const call = async (method: string, path: string, address: string | undefined, body?: unknown) => {
  const response = await fetch(`${world.url}${path}`, {
    method,
    headers: {
      "content-type": "application/json",
      ...(address && { "x-test-address": address }),
      ...(address === "operator" && { "x-test-operator": "1", "x-test-address": "operator" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};
const quote = async (address: string, request: { gpuc?: string; usd?: string }): Promise<Quote> => {
  const reply = await call("POST", "/api/v1/onramp/quotes", address, request);
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return quoteSchema.parse(reply.body);
};
const checkout = async (address: string, quoteId: string): Promise<Order> => {
  const reply = await call("POST", "/api/v1/onramp/orders", address, { quoteId });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return orderSchema.parse(reply.body);
};
/** A buyer with an open order for `gpuc` GPUC. */
const openOrder = async (gpuc = "10") => {
  const buyer = testKey().address;
  const order = await checkout(buyer, (await quote(buyer, { gpuc })).id);
  return { buyer, order, sessionId: order.checkoutUrl!.split("/pay/")[1]! };
};
const postEvent = (payload: string, header?: string) =>
  fetch(`${world.url}${STRIPE_WEBHOOK_PATH}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(header && { "stripe-signature": header }) },
    body: payload,
  });
const eventCount = async () =>
  Number((await world.db.query<{ n: string }>("SELECT COUNT(*) AS n FROM onramp_events"))[0]!.n);
const sessionObject = (sessionId: string) => {
  const { intentMetadata: _, ...session } = world.stripe.sessions.get(sessionId)!;
  return session;
};

describe("Fiat on-ramp: quote → Stripe Checkout → signed webhook → GPUC on chain (devnet, PostgreSQL)", () => {
  it("Should price GPUC from the Config price and the oracle pool, with spread and Stripe's fee apart", async () => {
    const q = await quote(testKey().address, { gpuc: "10" });
    // 10 GPUC × 1 ERG × $0.50 = 500 ¢; 1 % spread = 5 ¢; (505 + 30) / (1 − 2.9 %) = 551 ¢ → Stripe 46 ¢.
    expect(q).toMatchObject({
      gpuc: "10000000",
      baseCents: 500,
      spreadCents: 5,
      stripeFeeCents: 46,
      totalCents: 551,
    });
    expect(q.nanoErgPerUsd).toBe("2000000000");
    const byUsd = await quote(testKey().address, { usd: "5.51" });
    expect(byUsd.gpuc).toBe("10000000");
  });

  it("Should deliver a paid order's GPUC to the buyer's address once it confirms", async () => {
    const { buyer, order } = await openOrder("10");
    expect(order.state).toBe("open");
    // The buyer pays on the hosted page, as a browser would; Stripe then posts checkout.session.completed.
    const paid = await fetch(order.checkoutUrl!, { method: "POST", redirect: "manual" });
    expect(paid.status).toBe(303);
    expect(paid.headers.get("location")).toBe(`${world.url}/onramp/orders/${order.id}`);
    expect((await world.onramp.orders.admin(order.id)).state).toMatch(/paid|delivering/);
    await world.untilState(order.id, "delivered");
    expect(await world.gpucOf(buyer)).toBe(10_000_000n);
    const delivered = await world.onramp.orders.get(buyer, order.id);
    expect(delivered.deliveryTxId).toMatch(/^[0-9a-f]{64}$/);
    expect(delivered.deliveredHeight).toBeGreaterThan(0);
  });

  it("Should deliver once when the same event arrives three times at once and again later", async () => {
    const { buyer, order, sessionId } = await openOrder("3");
    await world.stripe.pay(sessionId, { deliver: false });
    const { payload, header } = world.stripe.event("checkout.session.completed", sessionObject(sessionId));
    const replies = await Promise.all([1, 2, 3].map(() => postEvent(payload, header)));
    expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200]);
    const bodies = (await Promise.all(replies.map((reply) => reply.json()))) as { duplicate: boolean }[];
    expect(bodies.filter((body) => body.duplicate === false)).toHaveLength(1);
    await world.untilState(order.id, "delivered");
    expect(((await (await postEvent(payload, header)).json()) as { duplicate: boolean }).duplicate).toBe(
      true,
    );
    await world.settle(2);
    expect(await world.gpucOf(buyer)).toBe(3_000_000n);
  });

  it("Should take events out of order: an async payment's success before its completion, a refund before its payment", async () => {
    const early = await openOrder("2");
    await world.stripe.pay(early.sessionId, { async: true, deliver: false });
    const unpaid = sessionObject(early.sessionId);
    expect(await world.stripe.settleAsync(early.sessionId, true)).toBe(200);
    const late = world.stripe.event("checkout.session.completed", unpaid);
    expect((await postEvent(late.payload, late.header)).status).toBe(200);
    await world.untilState(early.order.id, "delivered");

    const refunded = await openOrder("2");
    await world.stripe.pay(refunded.sessionId, { deliver: false });
    expect(await world.stripe.reverse(refunded.sessionId, "refunded")).toBe(200);
    const completed = world.stripe.event("checkout.session.completed", sessionObject(refunded.sessionId));
    expect((await postEvent(completed.payload, completed.header)).status).toBe(200);
    await world.settle(3);
    expect((await world.onramp.orders.admin(refunded.order.id)).state).toBe("refunded");
    expect(await world.gpucOf(refunded.buyer)).toBe(0n);
  });

  it("Should refuse a forged, stale or missing signature with 400 and store nothing", async () => {
    const { order, sessionId } = await openOrder("1");
    await world.stripe.pay(sessionId, { deliver: false });
    const before = await eventCount();
    const { payload, header } = world.stripe.event("checkout.session.completed", sessionObject(sessionId));
    const forged = payload.replace('"payment_status":"paid"', '"payment_status":"paid" ');
    const stale = world.stripe.event(
      "checkout.session.completed",
      sessionObject(sessionId),
      Math.floor(Date.now() / 1000) - 3600,
    );
    for (const [body, signature] of [
      [forged, header],
      [stale.payload, stale.header],
      [payload, undefined],
      [payload, "t=1,v1=00"],
    ] as const) {
      const reply = await postEvent(body, signature);
      expect(reply.status).toBe(400);
      expect(reply.headers.get("content-type")).toMatch(/problem\+json/);
      expect(((await reply.json()) as { detail: string }).detail).toMatch(/signature does not verify/);
    }
    expect(await eventCount()).toBe(before);
    expect((await world.onramp.orders.admin(order.id)).state).toBe("open");
  });

  it("Should refuse an expired quote, and a quote the float cannot cover, before calling Stripe", async () => {
    const buyer = testKey().address;
    const stale = await quote(buyer, { gpuc: "1" });
    await world.db.query("UPDATE onramp_quotes SET expires_at = now() - interval '1 second' WHERE id = $1", [
      stale.id,
    ]);
    const calls = world.stripe.calls.length;
    const expired = await call("POST", "/api/v1/onramp/orders", buyer, { quoteId: stale.id });
    expect(expired.status).toBe(409);
    expect(expired.body.detail).toMatch(/expired .*ask for a new quote/);

    const big = await quote(buyer, { gpuc: "490" });
    const short = await call("POST", "/api/v1/onramp/orders", buyer, { quoteId: big.id });
    expect(short.status).toBe(409);
    expect(short.body.detail).toMatch(/can deliver at most .* GPUC .* nothing was charged/);
    expect(world.stripe.calls.length).toBe(calls);
  });

  it("Should return the same order and session when a checkout is retried", async () => {
    const buyer = testKey().address;
    const q = await quote(buyer, { gpuc: "1" });
    const [first, second] = [await checkout(buyer, q.id), await checkout(buyer, q.id)];
    expect(second.id).toBe(first.id);
    expect(second.checkoutUrl).toBe(first.checkoutUrl);
    expect((await call("POST", "/api/v1/onramp/orders", testKey().address, { quoteId: q.id })).status).toBe(
      404,
    );
  });

  it("Should cancel the delivery of an order refunded before it was sent", async () => {
    // One delivery is in flight at a time: A's (unmined) holds B back while B is refunded.
    const a = await openOrder("1");
    const b = await openOrder("1");
    await world.stripe.pay(a.sessionId);
    await world.onramp.delivery.tick();
    expect((await world.onramp.orders.admin(a.order.id)).state).toBe("delivering");
    await world.stripe.pay(b.sessionId);
    expect((await world.onramp.delivery.tick()).delivered).toBeUndefined();
    expect((await world.onramp.orders.admin(b.order.id)).state).toBe("paid");
    expect(await world.stripe.reverse(b.sessionId, "refunded")).toBe(200);
    await world.untilState(a.order.id, "delivered");
    await world.settle(3);
    expect((await world.onramp.orders.admin(b.order.id)).state).toBe("refunded");
    expect(await world.gpucOf(b.buyer)).toBe(0n);
  });

  it("Should flag a refund after delivery for the operator, who lists it and marks it handled", async () => {
    const { order, sessionId } = await openOrder("1");
    await world.stripe.pay(sessionId);
    await world.untilState(order.id, "delivered");
    expect(await world.stripe.reverse(sessionId, "disputed")).toBe(200);
    const flagged = await call("GET", "/api/v1/onramp/admin/orders?flagged=true", "operator");
    expect(flagged.status).toBe(200);
    const items = flagged.body.items as Order[];
    expect(items.find((item) => item.id === order.id)).toMatchObject({
      state: "disputed",
      flag: "disputed_after_delivery",
    });
    expect((await call("GET", "/api/v1/onramp/admin/orders", testKey().address)).status).toBe(403);
    const handled = await call("POST", `/api/v1/onramp/admin/orders/${order.id}/handled`, "operator");
    expect(handled.body.handledAt).toEqual(expect.any(String));
    expect((await call("POST", `/api/v1/onramp/admin/orders/${order.id}/handled`, "operator")).status).toBe(
      409,
    );
  });

  it("Should fail an async payment that fails, delivering nothing", async () => {
    const { buyer, order, sessionId } = await openOrder("1");
    await world.stripe.pay(sessionId, { async: true });
    expect((await world.onramp.orders.admin(order.id)).state).toBe("awaiting_payment");
    await world.stripe.settleAsync(sessionId, false);
    await world.settle(2);
    expect((await world.onramp.orders.admin(order.id)).state).toBe("failed");
    expect(await world.gpucOf(buyer)).toBe(0n);
  });

  it("Should undo a delivery a rollback removes and confirm it again, paying once", async () => {
    const { buyer, order, sessionId } = await openOrder("2");
    await world.stripe.pay(sessionId);
    await world.untilState(order.id, "delivered");
    await world.chain.devnet.reorg(2);
    await world.indexer.syncOnce();
    expect((await world.onramp.orders.admin(order.id)).state).toBe("delivering");
    await world.untilState(order.id, "delivered");
    expect(await world.gpucOf(buyer)).toBe(2_000_000n);
  });

  it("Should count orders by state, the float and a day of sales on /metrics", async () => {
    const text = await world.registry.metrics();
    expect(text).toMatch(/gpuc_onramp_orders_total\{state="delivered"\} [1-9]/);
    expect(text).toMatch(/gpuc_onramp_float_gpuc \d+/);
    expect(text).toMatch(/gpuc_onramp_sold_24h_gpuc [1-9]/);
    expect(text).toMatch(/gpuc_onramp_delivery_latency_seconds_count [1-9]/);
  });
});
