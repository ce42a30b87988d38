// Stripe's REST API (v1) for the calls a Checkout integration makes, as the official client sends them:
// form-encoded bodies in bracket notation (parsed with qs), Bearer `sk_test_…` keys, idempotency keys.
import express, { type NextFunction, type Request, type Response } from "express";
import Stripe from "stripe";
import { noSuch, StandInApiError } from "./errors.ts";
import { IdempotencyLedger } from "./idempotency.ts";
import { type EventRequest, stripeId } from "./objects.ts";
import { expandOnly, parseParams, refundCreateParams, sessionCreateParams } from "./params.ts";
import type { Emission, StandInStore } from "./store.ts";

/** One API call as the stand-in answered it. */
export interface StandInRequest {
  readonly method: string;
  readonly path: string;
  readonly idempotencyKey: string | undefined;
  /** The parameters as parsed from the form body (`{}` for none). */
  readonly params: unknown;
  readonly status: number;
  /** Answered from the idempotency ledger, not executed again. */
  readonly replayed: boolean;
}

export interface ApiDeps {
  readonly store: StandInStore;
  readonly hostedPage: (sessionId: string) => string;
  /** Sends an event after the answer, as Stripe does. */
  readonly emitLater: (emission: Emission, request: EventRequest) => void;
  readonly log: StandInRequest[];
}

/** What a route answers: the object (200) or a thrown `StandInApiError`. */
type Route = (req: Request, request: EventRequest) => object;

/** The `/v1` router. */
export function stripeApi(deps: ApiDeps): express.Router {
  const router = express.Router();
  router.use(logRequests(deps.log), express.urlencoded({ extended: true }), authenticate);
  const ledger = new IdempotencyLedger();
  const route = (handler: Route) => answer(ledger, handler);
  const { store } = deps;

  router.post(
    "/checkout/sessions",
    route((req) => store.createSession(parseParams(sessionCreateParams, req.body), deps.hostedPage)),
  );
  router.get(
    "/checkout/sessions/:id",
    route((req) => store.session(param(req, "id"))),
  );
  router.post(
    "/checkout/sessions/:id/expire",
    route((req, request) => {
      parseParams(expandOnly, req.body);
      const emission = store.expire(param(req, "id"));
      deps.emitLater(emission, request);
      return emission.object;
    }),
  );
  router.post(
    "/refunds",
    route((req, request) => {
      const { refund, emission } = store.refund(parseParams(refundCreateParams, req.body));
      deps.emitLater(emission, request);
      return refund;
    }),
  );
  router.get("/refunds/:id", route(lookup(store.refunds, "refund")));
  router.get("/payment_intents/:id", route(lookup(store.paymentIntents, "payment_intent")));
  router.get("/charges/:id", route(lookup(store.charges, "charge")));
  return router;
}

const param = (req: Request, name: string) => String(req.params[name]);

const lookup =
  (objects: ReadonlyMap<string, object>, name: string): Route =>
  (req) => {
    const id = param(req, "id");
    const object = objects.get(id);
    if (!object) throw noSuch(name, id, "id");
    return object;
  };

/** Runs a route under the request's idempotency key (POSTs only: GETs are idempotent by nature). */
function answer(ledger: IdempotencyLedger, handler: Route) {
  return (req: Request, res: Response) => {
    const requestId = stripeId("req");
    const key = req.method === "POST" ? req.get("idempotency-key") : undefined;
    const run = () => execute(handler, req, { id: requestId, idempotency_key: key ?? null });
    const result = key
      ? ledger.run(
          String(res.locals.apiKey),
          key,
          { method: req.method, path: req.path, params: req.body },
          run,
        )
      : { ...run(), replayed: false };
    res.set("Request-Id", requestId).set("Stripe-Version", req.get("stripe-version") ?? Stripe.API_VERSION);
    if (result.replayed) res.set("Idempotent-Replayed", "true");
    res.status(result.status).json(result.body);
  };
}

function execute(handler: Route, req: Request, request: EventRequest) {
  try {
    return { status: 200, body: handler(req, request) };
  } catch (error) {
    if (!(error instanceof StandInApiError)) throw error;
    return { status: error.status, body: error.body, error };
  }
}

function logRequests(log: StandInRequest[]) {
  return (req: Request, res: Response, next: NextFunction) => {
    const path = `${req.baseUrl}${req.path}`;
    res.on("finish", () =>
      log.push({
        method: req.method,
        path,
        idempotencyKey: req.get("idempotency-key"),
        params: req.body ?? {},
        status: res.statusCode,
        replayed: res.get("Idempotent-Replayed") === "true",
      }),
    );
    next();
  };
}

/** Stripe's Bearer auth; the stand-in takes any test-mode secret key and never a live one. */
function authenticate(req: Request, res: Response, next: NextFunction) {
  const key = /^Bearer (\S+)$/.exec(req.get("authorization") ?? "")?.[1];
  if (!key)
    return sendError(
      res,
      new StandInApiError(
        401,
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
      ),
    );
  if (!/^sk_test_\w+$/.test(key))
    return sendError(res, new StandInApiError(401, `Invalid API Key provided: ${mask(key)}`));
  res.locals.apiKey = key;
  next();
}

const mask = (key: string) => `${key.slice(0, 8)}${"*".repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`;

export function sendError(res: Response, error: StandInApiError) {
  res.status(error.status).json(error.body);
}
