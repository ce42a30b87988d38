import { onrampRoutes, STRIPE_WEBHOOK_PATH } from "@gpuc/onramp";
import {
  accessLog,
  errorHandler,
  ipRateLimit,
  mountRoutes,
  notFound,
  requestId,
  withOpenApi,
} from "@gpuc/platform/http";
import { bridgeRoutes } from "@gpuc/rosen-adapter";
import express, { type Express } from "express";
import { authRoutes } from "./auth/auth.router.ts";
import { challengesRoutes } from "./challenges/challenges.router.ts";
import { MarketplaceMetrics, metricsRoute, nodeHeight } from "./core/metrics.ts";
import { scopeAuthorizer } from "./core/mount.ts";
import type { Requirement, Route } from "./core/route.ts";
import { webApp } from "./core/web-app.ts";
import { jwksRoutes } from "./credentials/credentials.router.ts";
import { exitRoutes } from "./exits/exit.router.ts";
import { gpusRoutes } from "./gpus/gpus.router.ts";
import { heartbeatsRoutes } from "./heartbeats/heartbeats.router.ts";
import { instancesRoutes } from "./instances/instances.router.ts";
import { protocolTotalsRoutes } from "./protocol-totals/totals.router.ts";
import { providersRoutes } from "./providers/providers.router.ts";
import { receiptsRoutes } from "./receipts/receipts.router.ts";
import { reconciliationRoutes } from "./reconciliation/reconciliation.router.ts";
import { reputationRoutes } from "./reputation/reputation.router.ts";
import type { Services } from "./services.ts";
import { stakesRoutes } from "./stakes/stakes.router.ts";
import { statusRoutes } from "./status/status.router.ts";
import { instanceStreamRoutes } from "./streams/instance-stream.router.ts";
import { providerStreamRoutes } from "./streams/provider-stream.router.ts";
import { walletRoutes } from "./wallet/wallet.router.ts";

/** Every route of the API, in one list: mounted on Express and described by the OpenAPI document. */
export function apiRoutes(
  services: Services,
  options: { indexerEnabled: boolean; metrics?: MarketplaceMetrics },
): Route[] {
  const routes: Route[] = [
    ...(options.metrics ? [metricsRoute(options.metrics)] : []),
    ...statusRoutes(
      services.index,
      services.config.network,
      options.indexerEnabled,
      services.deployment.gpucTokenId,
    ),
    ...authRoutes(services.auth, services.apiKeys),
    ...providersRoutes(services.providers),
    ...gpusRoutes(services.gpus),
    // Before instancesRoutes: GET /api/v1/instances/{id} would take "stream" for an instance id.
    ...instanceStreamRoutes(services.instanceStreams, services.streamOptions),
    ...providerStreamRoutes(services.providerStreams, services.instanceStreams, services.streamOptions),
    ...instancesRoutes(services),
    ...receiptsRoutes(services.receipts),
    ...reconciliationRoutes(services.reconciliation),
    ...exitRoutes(services.exits),
    ...walletRoutes(services),
    ...stakesRoutes(services.stakes, services.earnings),
    ...protocolTotalsRoutes(services.totals),
    ...heartbeatsRoutes(services.heartbeats),
    ...challengesRoutes(services.challenges),
    ...reputationRoutes(services.reputation),
    ...jwksRoutes(services.credentials),
    // The on-ramp's buyers are signed-in consumers; its operator is the arbiter's key.
    ...(services.onramp
      ? onrampRoutes<Requirement>(services.onramp, { buyer: "consumer", operator: "arbiter" })
      : []),
    // Rosen Bridge: consumers bridge in and swap; providers withdraw their earnings to other chains.
    ...(services.bridge
      ? bridgeRoutes<Requirement>(services.bridge, { consumer: "consumer", provider: "provider" })
      : []),
  ];
  return withOpenApi(
    routes,
    "/api/v1/openapi.json",
    {
      title: "GPUC marketplace API",
      version: "1.0.0",
      description: "Rent GPUs paid in GPUC on Ergo. Errors are application/problem+json.",
    },
    { bearerDescription: "A wallet session token (from /api/v1/auth/verify) or an API key (gpuc_...)" },
  );
}

/** The unauthenticated sign-in routes: rate-limited per client IP (each writes a row). */
const SIGN_IN_PATHS = ["/api/v1/auth/challenge", "/api/v1/auth/verify"];

/**
 * The Express app over the services: request ids and access logs, JSON bodies (1 MB), sign-in rate-limited per IP, the routes, Prometheus metrics at `/metrics`, 404 and
 * problem+json errors.
 *
 * @example
 * const app = createApp(createServices({ db, config }));
 * app.listen(8080);
 */
export function createApp(
  services: Services,
  options: { indexerEnabled?: boolean; metrics?: MarketplaceMetrics } = {},
): Express {
  const metrics =
    options.metrics ??
    new MarketplaceMetrics({
      db: services.db,
      log: services.log,
      chainHeight: nodeHeight(services.config.ergoNodeUrl),
    });
  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");
  app.set("trust proxy", services.config.trustProxy);
  app.use(requestId(), accessLog({ log: services.log, level: "debug" }), metrics.middleware());
  // A caller already holding a valid session or API key is not anonymous sign-in traffic: it never counts.
  const signedIn = (req: express.Request) =>
    services.auth.authenticate(req.headers.authorization).then(
      (principal) => principal !== undefined,
      () => false,
    );
  for (const path of SIGN_IN_PATHS)
    app.use(path, ipRateLimit({ ...services.config.authRateLimit, skip: signedIn }));
  // Stripe signs the bytes it sends: the webhook gets its raw body, which express.json then leaves alone.
  app.use(STRIPE_WEBHOOK_PATH, express.raw({ type: "*/*", limit: "1mb" }));
  app.use(express.json({ limit: "1mb" }));
  const routes = apiRoutes(services, { indexerEnabled: options.indexerEnabled ?? false, metrics });
  const authorize = scopeAuthorizer((req) => services.auth.authenticate(req.headers.authorization));
  mountRoutes(app, routes, { authorize });
  if (services.config.webDir) app.use(webApp(services.config.webDir));
  app.use(notFound({ docsPath: "/api/v1/openapi.json" }), errorHandler({ log: services.log }));
  return app;
}
