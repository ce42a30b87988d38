// A local stand-in for Stripe, for tests: Stripe's API cannot be reached from here, so the official `stripe`
// client talks to this server instead (through its host/port/protocol options), and the server answers with
// Stripe's documented shapes, checks Bearer keys and idempotency keys as Stripe does, serves a hosted
// Checkout page, and delivers webhook events signed by the library's own signer.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express, { type NextFunction, type Request, type Response } from "express";
import { type StandInRequest, sendError, stripeApi } from "./api.ts";
import { StandInApiError } from "./errors.ts";
import { hostedCheckout } from "./hosted.ts";
import type {
  EventRequest,
  StandInCharge,
  StandInEvent,
  StandInPaymentIntent,
  StandInRefund,
  StandInSession,
} from "./objects.ts";
import { stripeId } from "./objects.ts";
import { type Emission, StandInStore } from "./store.ts";
import {
  buildEvent,
  postEvent,
  type SignedEvent,
  type StandInDelivery,
  signEvent,
  type WebhookEndpoint,
} from "./webhooks.ts";

export interface StripeStandInOptions {
  /** 0 (a free port) unless given. */
  readonly port?: number;
  /** Where events go; also settable later (`setWebhook`), once the receiver listens. */
  readonly webhook?: WebhookEndpoint;
}

export interface StripeStandIn {
  /** For `createStripeClient({ apiBase })`, e.g. `http://127.0.0.1:40123`. */
  readonly apiBase: string;
  /** A key the stand-in accepts (any `sk_test_…` key is). */
  readonly secretKey: string;
  /** The endpoint's secret, or the stand-in's own when no endpoint is set (what `event` signs with). */
  readonly webhookSecret: string;
  readonly sessions: ReadonlyMap<string, StandInSession>;
  readonly paymentIntents: ReadonlyMap<string, StandInPaymentIntent>;
  readonly charges: ReadonlyMap<string, StandInCharge>;
  readonly refunds: ReadonlyMap<string, StandInRefund>;
  /** Every `/v1` call, in order. */
  readonly requests: readonly StandInRequest[];
  /** Every event the stand-in made, in order (delivered or not). */
  readonly events: readonly StandInEvent[];
  /** Every delivery attempt, in order. */
  readonly deliveries: readonly StandInDelivery[];
  setWebhook(webhook: WebhookEndpoint | undefined): void;
  /** The buyer pays: by card (paid at once) or, `async`, by a method that settles later. */
  pay(sessionId: string, options?: { async?: boolean }): Promise<StandInDelivery>;
  succeedAsync(sessionId: string): Promise<StandInDelivery>;
  failAsync(sessionId: string): Promise<StandInDelivery>;
  /** A refund from the dashboard (all that is left, unless `amountCents`). */
  refund(sessionId: string, options?: { amountCents?: number }): Promise<StandInDelivery>;
  dispute(sessionId: string, reason?: string): Promise<StandInDelivery>;
  /** The session's time runs out. */
  expire(sessionId: string): Promise<StandInDelivery>;
  /** An event of `type` around `object`, signed at `timestamp` (seconds) with `secret` (default: `webhookSecret`). */
  event(type: string, object: object, options?: { timestamp?: number; secret?: string }): SignedEvent;
  /** POSTs a signed event to the webhook endpoint; resolves to the receiver's status. */
  deliver(type: string, object: object): Promise<number>;
  /** Sends an event again, same id and body, signed afresh (as Stripe retries). */
  redeliver(eventId: string): Promise<number>;
  /** Resolves once the events that API calls (refunds, expiries) set off have been delivered. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the stand-in on 127.0.0.1.
 *
 * @example
 * const standIn = await startStripeStandIn({ webhook: { url: `${app}/stripe/webhook`, secret: "whsec_test" } });
 * const stripe = createStripeClient({ secretKey: standIn.secretKey, apiBase: standIn.apiBase });
 */
export async function startStripeStandIn(options: StripeStandInOptions = {}): Promise<StripeStandIn> {
  const store = new StandInStore();
  const events: StandInEvent[] = [];
  const deliveries: StandInDelivery[] = [];
  const requests: StandInRequest[] = [];
  const inFlight = new Set<Promise<unknown>>();
  const ownSecret = `whsec_${stripeId("standin")}`;
  let webhook = options.webhook;
  let base = "";

  async function send(event: StandInEvent): Promise<StandInDelivery> {
    if (!webhook) return record({ event, error: "no webhook endpoint set" });
    try {
      return record({ event, status: await postEvent(webhook, event) });
    } catch (error) {
      return record({ event, error: error instanceof Error ? error.message : String(error) });
    }
  }
  const record = (delivery: StandInDelivery) => {
    deliveries.push(delivery);
    return delivery;
  };
  const make = (emission: Emission, request?: EventRequest) => {
    const event = buildEvent(emission.type, emission.object, request);
    events.push(event);
    return event;
  };
  const emit = (emission: Emission) => send(make(emission));
  const emitLater = (emission: Emission, request: EventRequest) => {
    const delivery = send(make(emission, request));
    inFlight.add(delivery);
    void delivery.finally(() => inFlight.delete(delivery));
  };
  const paidIntent = (sessionId: string) => {
    const intent = store.session(sessionId).payment_intent;
    if (!intent)
      throw new StandInApiError(400, `Checkout Session ${sessionId} has not been paid: nothing to refund`);
    return intent;
  };

  const app = express();
  app.use("/v1", stripeApi({ store, hostedPage: (id) => `${base}/pay/${id}`, emitLater, log: requests }));
  app.use(hostedCheckout({ store, pay: (id, async) => emit(store.pay(id, async)) }));
  app.use(notFound);
  app.use(errorAnswer);
  const server = await listen(app, options.port ?? 0);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const standIn: StripeStandIn = {
    apiBase: base,
    secretKey: "sk_test_stand_in",
    get webhookSecret() {
      return webhook?.secret ?? ownSecret;
    },
    sessions: store.sessions,
    paymentIntents: store.paymentIntents,
    charges: store.charges,
    refunds: store.refunds,
    requests,
    events,
    deliveries,
    setWebhook: (next) => {
      webhook = next;
    },
    pay: async (id, payOptions = {}) => emit(store.pay(id, payOptions.async)),
    succeedAsync: async (id) => emit(store.settleAsync(id, true)),
    failAsync: async (id) => emit(store.settleAsync(id, false)),
    refund: async (id, refundOptions = {}) =>
      emit(store.refund({ payment_intent: paidIntent(id), amount: refundOptions.amountCents }).emission),
    dispute: async (id, reason) => emit(store.dispute(id, reason)),
    expire: async (id) => emit(store.expire(id)),
    event: (type, object, eventOptions = {}) =>
      signEvent(
        buildEvent(type, object),
        eventOptions.secret ?? standIn.webhookSecret,
        eventOptions.timestamp,
      ),
    deliver: async (type, object) => deliverNow(make({ type, object })),
    redeliver: async (eventId) => {
      const event = events.find((candidate) => candidate.id === eventId);
      if (!event) throw new Error(`The stand-in made no event ${eventId}`);
      return deliverNow(event);
    },
    idle: async () => {
      while (inFlight.size) await Promise.allSettled([...inFlight]);
    },
    close: async () => {
      await standIn.idle();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };

  // `deliver` and `redeliver` are the test's own sends: a missing endpoint or a failed POST is its error.
  async function deliverNow(event: StandInEvent): Promise<number> {
    if (!webhook)
      throw new Error("No webhook endpoint: pass `webhook` to startStripeStandIn or call setWebhook");
    const status = await postEvent(webhook, event);
    record({ event, status });
    return status;
  }
  return standIn;
}

function listen(app: express.Express, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, "127.0.0.1", (error?: Error) =>
      error ? reject(error) : resolve(server),
    );
  });
}

function notFound(req: Request, res: Response) {
  sendError(
    res,
    new StandInApiError(404, `Unrecognized request URL (${req.method}: ${req.originalUrl.split("?")[0]}).`),
  );
}

// A body the parser refused is the caller's error; anything else is the stand-in's own.
function errorAnswer(error: unknown, _req: Request, res: Response, _next: NextFunction) {
  const status = Reflect.get(Object(error), "status");
  if (typeof status === "number" && status >= 400 && status < 500)
    return sendError(res, new StandInApiError(400, `Invalid request body: ${String(error)}`));
  sendError(res, new StandInApiError(500, "An unknown error occurred", { type: "api_error" }));
}
