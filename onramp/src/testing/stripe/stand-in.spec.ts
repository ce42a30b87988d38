import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StripeCheckout } from "../../stripe/checkout.ts";
import { createStripeClient } from "../../stripe/client.ts";
import { startWebhookReceiver, type WebhookReceiver } from "./receiver.ts";
import { type StripeStandIn, startStripeStandIn } from "./stand-in.ts";

const SECRET = "whsec_stand_in_spec";
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

const openOrder = (orderId: string) =>
  checkout.createSession({
    orderId,
    address: "9fRusAarL1KkrWQVsxSRVYnvWxaAT2A96cKtNn9tvPh5XUyCisr",
    gpucUnits: 1_000_000n,
    amountCents: 750,
    currency: "usd",
    productName: "GPUC <credit>",
    successUrl: `http://127.0.0.1:8080/onramp/orders/${orderId}?session={CHECKOUT_SESSION_ID}`,
    cancelUrl: `http://127.0.0.1:8080/onramp/orders/${orderId}?cancelled=1`,
  });

/** A raw `/v1` call, as a client other than the official one would make it. */
const api = (
  path: string,
  init: { method?: string; key?: string | null; form?: string; idempotencyKey?: string },
) =>
  fetch(`${standIn.apiBase}${path}`, {
    method: init.method ?? "POST",
    headers: {
      ...(init.key !== null && { authorization: `Bearer ${init.key ?? standIn.secretKey}` }),
      ...(init.idempotencyKey && { "idempotency-key": init.idempotencyKey }),
      "content-type": "application/x-www-form-urlencoded",
    },
    ...(init.form !== undefined && { body: init.form }),
  });

const VALID_FORM =
  "mode=payment&line_items[0][quantity]=1&line_items[0][price_data][currency]=usd" +
  "&line_items[0][price_data][unit_amount]=500&line_items[0][price_data][product_data][name]=GPUC";

describe("The hosted Checkout page", () => {
  it("Should take a card payment, post a verifiable checkout.session.completed, and return to success_url", async () => {
    const { id, url } = await openOrder("o-pay");

    const page = await fetch(url);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('<button id="pay"');
    expect(html).toContain("GPUC &lt;credit&gt;");
    expect(html).toContain("7.50 USD");

    const paid = await fetch(url, {
      method: "POST",
      body: new URLSearchParams({ method: "card" }),
      redirect: "manual",
    });
    expect(paid.status).toBe(303);
    expect(paid.headers.get("location")).toBe(`http://127.0.0.1:8080/onramp/orders/o-pay?session=${id}`);

    expect(receiver.received).toHaveLength(1);
    const webhook = receiver.received[0]!;
    expect(webhook.body.toString()).toContain("\n"); // pretty-printed, as Stripe sends it: only raw bytes verify
    const event = checkout.parseEvent(webhook.body, webhook.signature, SECRET);
    expect(event).toMatchObject({ kind: "paid", orderId: "o-pay", sessionId: id, amountTotalCents: 750 });
    expect(standIn.sessions.get(id)).toMatchObject({ status: "complete", payment_status: "paid", url: null });
    expect((await fetch(url)).status).toBe(410);
  });

  it("Should take a bank debit as an async payment: completed but unpaid", async () => {
    const { url } = await openOrder("o-bank");

    await fetch(url, { method: "POST", body: new URLSearchParams({ method: "bank" }), redirect: "manual" });

    const webhook = receiver.received[0]!;
    expect(checkout.parseEvent(webhook.body, webhook.signature, SECRET).kind).toBe("pending");
    expect([...standIn.charges.values()][0]).toMatchObject({ status: "pending", paid: false });
  });

  it("Should refuse payment on an expired session and an unknown one", async () => {
    const { id, url } = await openOrder("o-late");
    await standIn.expire(id);

    expect((await fetch(url, { method: "POST", redirect: "manual" })).status).toBe(410);
    expect((await fetch(`${standIn.apiBase}/pay/cs_test_nope`)).status).toBe(404);
    await expect(standIn.pay(id)).rejects.toThrow(/is expired: it takes no payment/);
  });
});

describe("The stand-in's API, as Stripe answers", () => {
  it("Should answer 401 in Stripe's error shape without a key or with a live one", async () => {
    const none = await api("/v1/checkout/sessions", { key: null, form: VALID_FORM });
    const live = await api("/v1/checkout/sessions", { key: "sk_live_abcdefgh1234", form: VALID_FORM });

    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({
      error: {
        type: "invalid_request_error",
        message: expect.stringContaining("You did not provide an API key"),
      },
    });
    expect(live.status).toBe(401);
    expect(((await live.json()) as { error: { message: string } }).error.message).toBe(
      "Invalid API Key provided: sk_live_********1234",
    );
    expect(standIn.sessions.size).toBe(0);
  });

  it("Should answer an unknown route with Stripe's 404", async () => {
    const response = await api("/v1/customers", { method: "GET" });

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { type: "invalid_request_error", message: "Unrecognized request URL (GET: /v1/customers)." },
    });
  });

  it("Should name an unknown or missing parameter in bracket notation", async () => {
    const unknown = await api("/v1/checkout/sessions", { form: `${VALID_FORM}&line_items[0][colour]=red` });
    const missing = await api("/v1/checkout/sessions", {
      form: VALID_FORM.replace("line_items[0][quantity]=1&", ""),
    });

    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({
      error: { message: "Received unknown parameter: line_items[0][colour]", param: "line_items[0][colour]" },
    });
    expect(await missing.json()).toMatchObject({
      error: { message: "Missing required param: line_items[0][quantity].", code: "parameter_missing" },
    });
  });

  it("Should refuse a key reused on another endpoint, and keep no refusal of parameters under a key", async () => {
    const refused = await api("/v1/checkout/sessions", { form: "mode=payment", idempotencyKey: "k-1" });
    const corrected = await api("/v1/checkout/sessions", { form: VALID_FORM, idempotencyKey: "k-1" });
    const elsewhere = await api("/v1/refunds", { form: "payment_intent=pi_x", idempotencyKey: "k-1" });

    expect(refused.status).toBe(400);
    expect(corrected.status).toBe(200);
    expect(elsewhere.status).toBe(400);
    expect(await elsewhere.json()).toMatchObject({
      error: { type: "idempotency_error", message: expect.stringContaining("same endpoint") },
    });
    expect(standIn.requests.map((call) => call.status)).toEqual([400, 200, 400]);
  });

  it("Should hold expires_at to Stripe's 30 minutes to 24 hours", async () => {
    const tooSoon = new Date(Date.now() + 10 * 60_000);
    const request = {
      orderId: "o-soon",
      address: "9f",
      gpucUnits: 1n,
      amountCents: 100,
      currency: "usd" as const,
    };
    const urls = { productName: "GPUC", successUrl: "http://a.test/ok", cancelUrl: "http://a.test/no" };

    await expect(checkout.createSession({ ...request, ...urls, expiresAt: tooSoon })).rejects.toMatchObject({
      detail: { statusCode: 400 },
      message: expect.stringContaining("between 30 minutes and 24 hours"),
    });
  });

  it("Should redeliver an event with its id and body, and record a receiver's failure", async () => {
    const { id } = await openOrder("o-again");
    await standIn.pay(id);
    const status = await standIn.redeliver(standIn.events[0]!.id);

    expect(status).toBe(200);
    expect(receiver.received.map((webhook) => webhook.body.toString())).toEqual([
      receiver.received[0]!.body.toString(),
      receiver.received[0]!.body.toString(),
    ]);

    const failing = await startWebhookReceiver(() => 500);
    standIn.setWebhook({ url: failing.url, secret: SECRET });
    expect(await standIn.expire((await openOrder("o-fail")).id)).toMatchObject({ status: 500 });
    await failing.close();
  });
});
