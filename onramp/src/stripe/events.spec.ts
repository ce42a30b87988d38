import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startWebhookReceiver, type WebhookReceiver } from "../testing/stripe/receiver.ts";
import { type StripeStandIn, startStripeStandIn } from "../testing/stripe/stand-in.ts";
import { StripeCheckout } from "./checkout.ts";
import { createStripeClient } from "./client.ts";
import { StripeSignatureError } from "./errors.ts";

const SECRET = "whsec_events_spec";
let receiver: WebhookReceiver;
let standIn: StripeStandIn;
let checkout: StripeCheckout;

beforeEach(async () => {
  receiver = await startWebhookReceiver();
  standIn = await startStripeStandIn({ webhook: { url: receiver.url, secret: SECRET } });
  checkout = new StripeCheckout(
    createStripeClient({ secretKey: standIn.secretKey, apiBase: standIn.apiBase }),
  );
});
afterEach(async () => {
  await standIn.close();
  await receiver.close();
});

async function openOrder(orderId: string) {
  const { id } = await checkout.createSession({
    orderId,
    address: "9fRusAarL1KkrWQVsxSRVYnvWxaAT2A96cKtNn9tvPh5XUyCisr",
    gpucUnits: 5_000_000n,
    amountCents: 1000,
    currency: "usd",
    productName: "GPUC credit",
    successUrl: "http://127.0.0.1:8080/done",
    cancelUrl: "http://127.0.0.1:8080/cancel",
  });
  return id;
}

/** The `n`th webhook the receiver got, verified and read. */
const parsed = (n: number) => {
  const webhook = receiver.received[n]!;
  return checkout.parseEvent(webhook.body, webhook.signature, SECRET);
};
const intentOf = (sessionId: string) => standIn.sessions.get(sessionId)!.payment_intent!;

describe("parseEvent on the stand-in's signed deliveries", () => {
  it("Should read a card payment's checkout.session.completed as paid", async () => {
    const sessionId = await openOrder("o-paid");
    await standIn.pay(sessionId);

    const event = parsed(0);
    expect(event).toEqual({
      kind: "paid",
      eventId: standIn.events[0]!.id,
      type: "checkout.session.completed",
      created: new Date(standIn.events[0]!.created * 1000),
      orderId: "o-paid",
      sessionId,
      paymentIntent: intentOf(sessionId),
      amountTotalCents: 1000,
      currency: "usd",
    });
    expect(intentOf(sessionId)).toMatch(/^pi_/);
  });

  it("Should read an async payment as pending, then paid when it clears", async () => {
    const sessionId = await openOrder("o-async");
    await standIn.pay(sessionId, { async: true });
    await standIn.succeedAsync(sessionId);

    expect(parsed(0)).toMatchObject({
      kind: "pending",
      orderId: "o-async",
      paymentIntent: intentOf(sessionId),
    });
    expect(parsed(1)).toMatchObject({
      kind: "paid",
      type: "checkout.session.async_payment_succeeded",
      orderId: "o-async",
      amountTotalCents: 1000,
    });
  });

  it("Should read a failed async payment as failed", async () => {
    const sessionId = await openOrder("o-failed");
    await standIn.pay(sessionId, { async: true });
    await standIn.failAsync(sessionId);

    expect(parsed(1)).toMatchObject({
      kind: "failed",
      type: "checkout.session.async_payment_failed",
      orderId: "o-failed",
      sessionId,
      paymentIntent: intentOf(sessionId),
    });
  });

  it("Should read checkout.session.expired as expired", async () => {
    const sessionId = await openOrder("o-expired");
    await standIn.expire(sessionId);

    expect(parsed(0)).toMatchObject({ kind: "expired", orderId: "o-expired", sessionId });
  });

  it("Should tie charge.refunded to the order through the metadata the charge copied from its PaymentIntent", async () => {
    const sessionId = await openOrder("o-refunded");
    await standIn.pay(sessionId);
    await standIn.refund(sessionId, { amountCents: 400 });
    await standIn.refund(sessionId);

    const charge = [...standIn.charges.values()][0]!;
    expect(parsed(1)).toMatchObject({
      kind: "refunded",
      type: "charge.refunded",
      orderId: "o-refunded",
      paymentIntent: intentOf(sessionId),
      chargeId: charge.id,
      amountRefundedCents: 400,
      fullyRefunded: false,
    });
    expect(parsed(2)).toMatchObject({ kind: "refunded", amountRefundedCents: 1000, fullyRefunded: true });
  });

  it("Should read charge.dispute.created as disputed, keyed by its payment intent", async () => {
    const sessionId = await openOrder("o-disputed");
    await standIn.pay(sessionId);
    await standIn.dispute(sessionId, "fraudulent");

    const event = parsed(1);
    expect(event).toMatchObject({
      kind: "disputed",
      paymentIntent: intentOf(sessionId),
      chargeId: [...standIn.charges.keys()][0],
      amountCents: 1000,
      reason: "fraudulent",
    });
    expect(event).not.toHaveProperty("orderId");
  });

  it("Should ignore other event types, and sessions that are not the on-ramp's", async () => {
    const sessionId = await openOrder("o-other");
    await standIn.pay(sessionId);
    const intent = standIn.paymentIntents.get(intentOf(sessionId))!;
    await standIn.deliver("payment_intent.succeeded", intent);
    const session = standIn.sessions.get(sessionId)!;
    await standIn.deliver("checkout.session.completed", {
      ...session,
      metadata: {},
      client_reference_id: null,
    });

    expect(parsed(1)).toMatchObject({ kind: "ignored", type: "payment_intent.succeeded" });
    expect(parsed(2)).toMatchObject({ kind: "ignored", why: "not an on-ramp Checkout Session" });
  });
});

describe("parseEvent's signature checks", () => {
  const refusal = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      if (error instanceof StripeSignatureError) return error;
      throw error;
    }
    throw new Error("parseEvent accepted the event");
  };
  const signed = (timestamp?: number) =>
    standIn.event("checkout.session.expired", { id: "cs_test_x", object: "checkout.session" }, { timestamp });

  it("Should refuse a body altered after signing", () => {
    const { payload, header } = signed();
    const forged = Buffer.from(payload.replace("cs_test_x", "cs_test_y"));

    const error = refusal(() => checkout.parseEvent(forged, header, SECRET));
    expect(error.reason).toBe("bad-signature");
    expect(error.status).toBe(400);
    expect(error.message).toContain("check the whsec_ secret");
  });

  it("Should refuse an event signed with another secret", () => {
    const { payload, header } = standIn.event("charge.refunded", {}, { secret: "whsec_someone_else" });

    expect(refusal(() => checkout.parseEvent(Buffer.from(payload), header, SECRET)).reason).toBe(
      "bad-signature",
    );
  });

  it("Should refuse a missing or malformed header", () => {
    const { payload, header } = signed();
    const body = Buffer.from(payload);

    const missing = refusal(() => checkout.parseEvent(body, undefined, SECRET));
    expect(missing.reason).toBe("missing-header");
    expect(missing.message).toContain("no Stripe-Signature header");
    const noTimestamp = header.replace(/t=\d+,/, "");
    expect(refusal(() => checkout.parseEvent(body, noTimestamp, SECRET)).reason).toBe("malformed-header");
  });

  it("Should refuse a stale timestamp, and take one within the tolerance", () => {
    const now = Math.floor(Date.now() / 1000);
    const old = signed(now - 301);
    const recent = signed(now - 200);

    const stale = refusal(() => checkout.parseEvent(Buffer.from(old.payload), old.header, SECRET));
    expect(stale.reason).toBe("stale-timestamp");
    expect(stale.message).toMatch(/signed 30\d s ago .* beyond the 300 s tolerance/);
    expect(checkout.parseEvent(Buffer.from(recent.payload), recent.header, SECRET).kind).toBe("ignored");
    expect(() => checkout.parseEvent(Buffer.from(recent.payload), recent.header, SECRET, 100)).toThrow(
      StripeSignatureError,
    );
  });
});
