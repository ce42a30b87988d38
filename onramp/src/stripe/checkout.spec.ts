import { ConfigError } from "@gpuc/platform";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type StripeStandIn, startStripeStandIn } from "../testing/stripe/stand-in.ts";
import { type CheckoutRequest, StripeCheckout } from "./checkout.ts";
import { createStripeClient } from "./client.ts";
import { StripeIdempotencyConflictError, StripeRequestError } from "./errors.ts";

let standIn: StripeStandIn;
let checkout: StripeCheckout;

beforeEach(async () => {
  standIn = await startStripeStandIn();
  checkout = new StripeCheckout(
    createStripeClient({ secretKey: standIn.secretKey, apiBase: standIn.apiBase }),
  );
});
afterEach(() => standIn.close());

const inAnHour = () => new Date(Math.floor(Date.now() / 1000) * 1000 + 3600_000);
const order = (orderId: string, overrides: Partial<CheckoutRequest> = {}): CheckoutRequest => ({
  orderId,
  address: "9fRusAarL1KkrWQVsxSRVYnvWxaAT2A96cKtNn9tvPh5XUyCisr",
  gpucUnits: 12_500_000n,
  amountCents: 2599,
  currency: "usd",
  productName: "GPUC credit",
  successUrl: "http://127.0.0.1:8080/onramp/orders/o-1?session={CHECKOUT_SESSION_ID}",
  cancelUrl: "http://127.0.0.1:8080/onramp/orders/o-1?cancelled=1",
  expiresAt: inAnHour(),
  ...overrides,
});

describe("StripeCheckout against the stand-in", () => {
  it("Should create a payment-mode session carrying the order on the session and its PaymentIntent", async () => {
    const request = order("o-1");
    const link = await checkout.createSession(request);

    expect(link.id).toMatch(/^cs_test_/);
    expect(link.url).toBe(`${standIn.apiBase}/pay/${link.id}`);
    expect(link.expiresAt).toEqual(request.expiresAt);
    const sent = standIn.requests.at(-1)!;
    expect(sent).toMatchObject({
      method: "POST",
      path: "/v1/checkout/sessions",
      idempotencyKey: "checkout-o-1",
    });
    const metadata = { order_id: "o-1", address: request.address, gpuc_units: "12500000" };
    expect(sent.params).toMatchObject({
      mode: "payment",
      client_reference_id: "o-1",
      metadata,
      payment_intent_data: { metadata },
      line_items: [{ quantity: "1", price_data: { currency: "usd", unit_amount: "2599" } }],
    });
    expect(standIn.sessions.get(link.id)).toMatchObject({ amount_total: 2599, status: "open" });
  });

  it("Should retrieve and expire a session", async () => {
    const { id } = await checkout.createSession(order("o-2"));

    expect(await checkout.retrieveSession(id)).toMatchObject({
      id,
      status: "open",
      paymentStatus: "unpaid",
      orderId: "o-2",
      paymentIntent: undefined,
      amountTotalCents: 2599,
    });
    expect(await checkout.expireSession(id)).toMatchObject({ id, status: "expired" });
    expect((await checkout.retrieveSession(id)).status).toBe("expired");
    await standIn.idle();
    expect(standIn.events.map((event) => event.type)).toEqual(["checkout.session.expired"]);
  });

  it("Should replay an idempotent create: one session, the same answer", async () => {
    const request = order("o-3");
    const first = await checkout.createSession(request);
    const second = await checkout.createSession(request);

    expect(second).toEqual(first);
    expect(standIn.sessions.size).toBe(1);
    expect(standIn.requests.map((call) => call.replayed)).toEqual([false, true]);
  });

  it("Should refuse the same order's key with other parameters (an expiry taken from the clock)", async () => {
    await checkout.createSession(order("o-4"));
    const retry = checkout.createSession(
      order("o-4", { expiresAt: new Date(inAnHour().getTime() + 60_000) }),
    );

    await expect(retry).rejects.toBeInstanceOf(StripeIdempotencyConflictError);
    await expect(retry).rejects.toMatchObject({ idempotencyKey: "checkout-o-4", status: 409 });
    expect(standIn.sessions.size).toBe(1);
  });

  it("Should refund a paid order once, however often asked", async () => {
    const { id } = await checkout.createSession(order("o-5"));
    await standIn.pay(id);
    const paymentIntent = standIn.sessions.get(id)!.payment_intent!;

    const refund = await checkout.refund({ paymentIntent, orderId: "o-5" });
    const again = await checkout.refund({ paymentIntent, orderId: "o-5" });

    expect(refund).toMatchObject({ paymentIntent, amountCents: 2599, status: "succeeded" });
    expect(again.id).toBe(refund.id);
    expect(standIn.refunds.size).toBe(1);
    expect([...standIn.charges.values()][0]).toMatchObject({ refunded: true, amount_refunded: 2599 });
    await standIn.idle();
    expect(standIn.events.filter((event) => event.type === "charge.refunded")).toHaveLength(1);
  });

  it("Should report Stripe's refusal of a refund with its code, not retryable", async () => {
    const { id } = await checkout.createSession(order("o-6"));
    await standIn.pay(id);
    const paymentIntent = standIn.sessions.get(id)!.payment_intent!;
    await standIn.refund(id); // from the dashboard, before the on-ramp asks

    const refused = checkout.refund({ paymentIntent, orderId: "o-6" });

    await expect(refused).rejects.toBeInstanceOf(StripeRequestError);
    await expect(refused).rejects.toMatchObject({
      retryable: false,
      detail: { statusCode: 400, code: "charge_already_refunded" },
    });
  });

  it("Should report an unknown session as Stripe's 404", async () => {
    const missing = checkout.retrieveSession("cs_test_missing");

    await expect(missing).rejects.toMatchObject({
      name: "StripeRequestError",
      detail: { statusCode: 404, code: "resource_missing" },
      message: expect.stringContaining("No such checkout.session: 'cs_test_missing'"),
    });
  });

  it("Should report a refused key as a 401, and an unreachable Stripe as retryable", async () => {
    const live = new StripeCheckout(
      createStripeClient({ secretKey: "sk_live_nope", apiBase: standIn.apiBase }),
    );
    await expect(live.retrieveSession("cs_test_x")).rejects.toMatchObject({ detail: { statusCode: 401 } });

    await standIn.close();
    const gone = new StripeCheckout(
      createStripeClient({ secretKey: standIn.secretKey, apiBase: standIn.apiBase, maxNetworkRetries: 0 }),
    );
    await expect(gone.createSession(order("o-7"))).rejects.toMatchObject({
      name: "StripeRequestError",
      retryable: true,
      message: expect.stringContaining("could not be reached"),
    });
    standIn = await startStripeStandIn(); // afterEach closes one
  });
});

describe("createStripeClient", () => {
  it("Should refuse an API base with a path or another scheme", () => {
    for (const apiBase of ["http://127.0.0.1:1/v1", "ftp://127.0.0.1", "not a url"])
      expect(() => createStripeClient({ secretKey: "sk_test_x", apiBase }), apiBase).toThrow(ConfigError);
  });
});
