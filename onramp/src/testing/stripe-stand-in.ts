// A local stand-in of the few Stripe endpoints the on-ramp calls (Checkout Sessions create/retrieve/expire,
// refunds) and of Stripe's webhook deliveries, built from Stripe's documented shapes: the official `stripe`
// client talks to it through its host/port/protocol options, and its events are signed with
// `stripe.webhooks.generateTestHeaderString`, exactly as Stripe signs them. Stripe itself is unreachable here.
import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express, { type Request, type Response } from "express";
import Stripe from "stripe";

export interface StandInSession {
  id: string;
  object: "checkout.session";
  mode: string;
  status: "open" | "complete" | "expired";
  payment_status: "unpaid" | "paid" | "no_payment_required";
  amount_total: number;
  currency: string;
  client_reference_id: string | null;
  metadata: Record<string, string>;
  payment_intent: string | null;
  success_url: string;
  cancel_url: string | null;
  expires_at: number;
  created: number;
  url: string | null;
  livemode: false;
  /** Not Stripe's: the PaymentIntent metadata the session was created with. */
  readonly intentMetadata: Record<string, string>;
}

export interface StripeStandIn {
  /** Base URL for the client's `apiBase` (host/port/protocol). */
  readonly apiBase: string;
  readonly secretKey: string;
  readonly webhookSecret: string;
  readonly sessions: Map<string, StandInSession>;
  /** Every API call, in order: method, path and idempotency key. */
  readonly calls: { method: string; path: string; idempotencyKey?: string }[];
  /** Where events are POSTed; settable once the receiver runs. */
  webhookUrl: string | undefined;
  /** A Stripe event of `type` around `object`, and its `Stripe-Signature` header (`timestamp` in seconds). */
  event(type: string, object: object, timestamp?: number): { payload: string; header: string; id: string };
  /** POSTs a signed event to `webhookUrl`; resolves to the response status. */
  deliver(type: string, object: object): Promise<number>;
  /** The buyer pays: the session completes (paid, or unpaid for an async method) and the event is delivered. */
  pay(sessionId: string, options?: { async?: boolean; deliver?: boolean }): Promise<StandInSession>;
  /** An async payment clears (`succeeded`) or fails. */
  settleAsync(sessionId: string, succeeded: boolean): Promise<number>;
  /** The charge of a paid session is refunded (through the API or the dashboard) or disputed: the event is delivered. */
  reverse(sessionId: string, kind: "refunded" | "disputed"): Promise<number>;
  close(): Promise<void>;
}

const stripe = new Stripe("sk_test_stand_in");
const now = () => Math.floor(Date.now() / 1000);
const id = (prefix: string) => `${prefix}_test_${randomBytes(12).toString("hex")}`;

/** Starts the stand-in on 127.0.0.1 (a free port unless given). */
export async function startStripeStandIn(
  options: {
    port?: number;
    webhookSecret?: string;
    webhookUrl?: string;
    /** Redeliver an event that got no 2xx, as Stripe does (default: one attempt). */
    webhookRetry?: { attempts: number; delayMs: number };
  } = {},
): Promise<StripeStandIn> {
  const sessions = new Map<string, StandInSession>();
  const calls: StripeStandIn["calls"] = [];
  const replays = new Map<string, { params: string; status: number; body: unknown }>();
  const webhookSecret = options.webhookSecret ?? `whsec_${randomBytes(16).toString("hex")}`;
  let base = "";

  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use("/v1", (req, res, next) => {
    calls.push({ method: req.method, path: req.path, idempotencyKey: req.get("idempotency-key") });
    if (!/^Bearer sk_test_\w+$/.test(req.get("authorization") ?? ""))
      return stripeError(res, 401, "invalid_request_error", "Invalid API Key provided");
    next();
  });
  // Stripe's idempotency: the same key with the same parameters replays the first response; other parameters are an error.
  const idempotent =
    (handle: (req: Request) => { status: number; body: unknown }) => (req: Request, res: Response) => {
      const key = req.get("idempotency-key");
      const params = JSON.stringify(req.body ?? {});
      const replay = key ? replays.get(`${req.path}:${key}`) : undefined;
      if (replay && replay.params !== params)
        return stripeError(
          res,
          400,
          "idempotency_error",
          "Keys for idempotent requests can only be used with the same parameters they were first used with.",
        );
      const result = replay ?? { params, ...handle(req) };
      if (key) replays.set(`${req.path}:${key}`, result);
      res.status(result.status).json(result.body);
    };

  app.post(
    "/v1/checkout/sessions",
    idempotent((req) => {
      const form = nested(req.body as Record<string, string>);
      const line = (form.line_items as Form[] | undefined)?.[0];
      const price = line?.price_data as Form | undefined;
      if (!price?.unit_amount || !form.success_url)
        return {
          status: 400,
          body: errorBody("invalid_request_error", "Missing line_items[0][price_data] or success_url"),
        };
      const session: StandInSession = {
        id: id("cs"),
        object: "checkout.session",
        mode: String(form.mode),
        status: "open",
        payment_status: "unpaid",
        amount_total: Number(price.unit_amount) * Number(line?.quantity ?? 1),
        currency: String(price.currency),
        client_reference_id: (form.client_reference_id as string) ?? null,
        metadata: (form.metadata as Record<string, string>) ?? {},
        intentMetadata: ((form.payment_intent_data as Form)?.metadata as Record<string, string>) ?? {},
        payment_intent: null,
        success_url: String(form.success_url),
        cancel_url: (form.cancel_url as string) ?? null,
        expires_at: form.expires_at ? Number(form.expires_at) : now() + 24 * 3600,
        created: now(),
        url: "",
        livemode: false,
      };
      session.url = `${base}/pay/${session.id}`;
      sessions.set(session.id, session);
      return { status: 200, body: wire(session) };
    }),
  );
  app.get("/v1/checkout/sessions/:id", (req, res) => {
    const session = sessions.get(req.params.id);
    if (!session)
      return stripeError(res, 404, "invalid_request_error", `No such checkout.session: '${req.params.id}'`);
    res.json(wire(session));
  });
  app.post("/v1/checkout/sessions/:id/expire", (req, res) => {
    const session = sessions.get(req.params.id);
    if (!session)
      return stripeError(res, 404, "invalid_request_error", `No such checkout.session: '${req.params.id}'`);
    if (session.status !== "open")
      return stripeError(
        res,
        400,
        "invalid_request_error",
        `Only Checkout Sessions with a status of open can be expired.`,
      );
    session.status = "expired";
    session.url = null;
    void standIn.deliver("checkout.session.expired", wire(session));
    res.json(wire(session));
  });
  app.post(
    "/v1/refunds",
    idempotent((req) => {
      const intent = (req.body as Record<string, string>).payment_intent;
      const session = [...sessions.values()].find((s) => s.payment_intent === intent);
      if (!session)
        return {
          status: 404,
          body: errorBody("invalid_request_error", `No such payment_intent: '${intent}'`),
        };
      void standIn.reverse(session.id, "refunded");
      return {
        status: 200,
        body: {
          id: id("re"),
          object: "refund",
          amount: session.amount_total,
          payment_intent: intent,
          status: "succeeded",
        },
      };
    }),
  );
  // The hosted payment page Checkout's `url` points at: a Pay button, then back to the merchant's success URL.
  app.get("/pay/:id", (req, res) => {
    const session = sessions.get(req.params.id);
    if (session?.status !== "open")
      return res.status(404).type("html").send("<h1>This checkout is no longer open</h1>");
    res
      .type("html")
      .send(`<!doctype html><html lang="en"><head><title>Pay — Stripe stand-in</title></head><body>
<main><h1>Pay ${(session.amount_total / 100).toFixed(2)} ${session.currency.toUpperCase()}</h1>
<form method="post"><button type="submit">Pay</button></form></main></body></html>`);
  });
  app.post("/pay/:id", async (req, res) => {
    const session = sessions.get(req.params.id);
    if (session?.status !== "open")
      return res.status(404).type("html").send("<h1>This checkout is no longer open</h1>");
    await standIn.pay(session.id);
    res.redirect(303, session.success_url.replace("{CHECKOUT_SESSION_ID}", session.id));
  });
  app.use((req, res) =>
    stripeError(res, 404, "invalid_request_error", `Unrecognized request URL (${req.method}: ${req.path})`),
  );

  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(options.port ?? 0, "127.0.0.1", () => resolve(listening));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const standIn: StripeStandIn = {
    apiBase: base,
    secretKey: "sk_test_stand_in",
    webhookSecret,
    sessions,
    calls,
    webhookUrl: options.webhookUrl,
    event(type, object, timestamp = now()) {
      const eventId = id("evt");
      const payload = JSON.stringify({
        id: eventId,
        object: "event",
        api_version: "2026-11-18.endive",
        created: timestamp,
        type,
        data: { object },
        livemode: false,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: null },
      });
      return {
        id: eventId,
        payload,
        header: stripe.webhooks.generateTestHeaderString({ payload, secret: webhookSecret, timestamp }),
      };
    },
    async deliver(type, object) {
      if (!standIn.webhookUrl) return 0;
      const { payload, header } = standIn.event(type, object);
      // Stripe retries a delivery that got no 2xx (with backoff, for days); the stand-in as configured.
      const { attempts, delayMs } = options.webhookRetry ?? { attempts: 1, delayMs: 0 };
      let status = 0;
      for (let attempt = 1; attempt <= attempts; attempt++) {
        status = await post(standIn.webhookUrl, payload, header);
        if (status >= 200 && status < 300) break;
        if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
      return status;
    },
    async pay(sessionId, payOptions = {}) {
      const session = sessions.get(sessionId);
      if (!session) throw new Error(`No such session ${sessionId}`);
      session.status = "complete";
      session.payment_status = payOptions.async ? "unpaid" : "paid";
      session.payment_intent = id("pi");
      session.url = null;
      if (payOptions.deliver !== false) await standIn.deliver("checkout.session.completed", wire(session));
      return session;
    },
    async settleAsync(sessionId, succeeded) {
      const session = sessions.get(sessionId)!;
      session.payment_status = succeeded ? "paid" : "unpaid";
      const type = `checkout.session.async_payment_${succeeded ? "succeeded" : "failed"}`;
      return standIn.deliver(type, wire(session));
    },
    async reverse(sessionId, kind) {
      const session = sessions.get(sessionId)!;
      const charge = {
        id: id("ch"),
        object: "charge",
        amount: session.amount_total,
        amount_refunded: kind === "refunded" ? session.amount_total : 0,
        refunded: kind === "refunded",
        payment_intent: session.payment_intent,
        // Stripe copies the PaymentIntent's metadata onto the charges it creates.
        metadata: session.intentMetadata,
      };
      if (kind === "refunded") return standIn.deliver("charge.refunded", charge);
      return standIn.deliver("charge.dispute.created", {
        id: id("dp"),
        object: "dispute",
        amount: session.amount_total,
        charge: charge.id,
        payment_intent: session.payment_intent,
        metadata: {},
        reason: "fraudulent",
        status: "needs_response",
      });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return standIn;
}

/** POSTs one signed event; the status, or 0 when the receiver could not be reached. */
async function post(url: string, payload: string, header: string): Promise<number> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "stripe-signature": header },
      body: payload,
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

type Form = { [key: string]: string | Form | Form[] };

/** `a[b][0][c]=1` form fields → `{ a: { b: [{ c: "1" }] } }`, as Stripe reads the client's bodies. */
function nested(flat: Record<string, string>): Form {
  const root: Form = {};
  for (const [key, value] of Object.entries(flat)) {
    const path = key.replace(/\]/g, "").split("[");
    let node: Record<string, unknown> = root;
    path.forEach((part, i) => {
      if (i === path.length - 1) node[part] = value;
      else {
        node[part] ??= /^\d+$/.test(path[i + 1]!) ? [] : {};
        node = node[part] as Record<string, unknown>;
      }
    });
  }
  return root;
}

function wire(session: StandInSession) {
  const { intentMetadata: _, ...body } = session;
  return body;
}

function errorBody(type: string, message: string) {
  return { error: { type, message } };
}

function stripeError(res: Response, status: number, type: string, message: string) {
  res.status(status).json(errorBody(type, message));
}
