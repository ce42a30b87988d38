import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Deployment } from "@gpuc/ergoscript";
import type { ChainIndexer } from "@gpuc/indexer";
import { NodeChainClient, readDeployment, Signer } from "@gpuc/offchain";
import { createOnramp } from "@gpuc/onramp";
import { createLogger, createPool, Database, type Logger, startEmbeddedPostgres } from "@gpuc/platform";
import { createBridge } from "@gpuc/rosen-adapter";
import { createApp } from "./app.ts";
import { ArbiterSettlement } from "./chain/arbiter-settlement.ts";
import type { Settlement } from "./chain/gateway.ts";
import { NodeRentalChain } from "./chain/node-rental-chain.ts";
import type { Clock } from "./core/clock.ts";
import type { MarketplaceConfig } from "./core/config.ts";
import { migrateMarketplace } from "./core/database.ts";
import { MarketplaceMetrics, nodeHeight } from "./core/metrics.ts";
import { createMarketplaceIndexer } from "./indexing.ts";
import { createServices, type Services } from "./services.ts";

export interface RunningMarketplace {
  /** `http://host:port` of the API. */
  readonly url: string;
  readonly services: Services;
  readonly indexer: ChainIndexer | undefined;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** A deployment object (e.g. fresh from `deployProtocol`); else `config.deploymentFile` is read. */
  deployment?: Deployment;
  /** Overrides the arbiter refunds built from ARBITER_SECRET_HEX. */
  settlement?: Settlement;
  clock?: Clock;
  log?: Logger;
}

/**
 * Starts the marketplace: database (PostgreSQL at `DATABASE_URL`, else embedded under the data dir) and its
 * migrations, the HTTP API, the chain indexer and the heartbeat monitor (when a node and a deployment are
 * configured).
 *
 * @example
 * const market = await startMarketplace(loadConfig());
 * console.log(market.url); // http://127.0.0.1:8080
 * await market.stop();
 */
export async function startMarketplace(
  config: MarketplaceConfig,
  options: StartOptions = {},
): Promise<RunningMarketplace> {
  const log = options.log ?? createLogger("marketplace-api");
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres({ dataDir: config.dataDir });
  const db = new Database(createPool(config.databaseUrl ?? embedded!.url));
  await migrateMarketplace(db);

  const deployment =
    options.deployment ?? (config.deploymentFile ? readDeployment(config.deploymentFile) : undefined);
  const client = config.ergoNodeUrl ? new NodeChainClient(config.ergoNodeUrl) : undefined;
  const chain = client && deployment ? new NodeRentalChain(client, deployment) : undefined;
  if (!chain)
    log.warn("CHAIN_NOT_CONFIGURED", {
      detail: "set ERGO_NODE_URL and GPUC_DEPLOYMENT_FILE to index the chain and take rentals",
    });
  const arbiter = config.arbiterSecretHex
    ? Signer.fromSecretHex(config.arbiterSecretHex, config.network)
    : undefined;
  const settlement =
    options.settlement ??
    (client && deployment && arbiter ? new ArbiterSettlement(client, deployment, arbiter) : undefined);
  if (chain && !settlement) {
    log.warn("ARBITER_NOT_CONFIGURED", {
      detail: "set ARBITER_SECRET_HEX to refund rentals of providers that went down",
    });
  }
  const metrics = new MarketplaceMetrics({ db, log, chainHeight: nodeHeight(config.ergoNodeUrl) });
  const onramp =
    config.onramp && client && deployment
      ? createOnramp({
          db,
          chain: client,
          config: config.onramp,
          deployment,
          log: log.child({ part: "onramp" }),
          registry: metrics.registry,
        })
      : undefined;
  if (config.onramp && !onramp)
    log.warn("ONRAMP_NOT_STARTED", { detail: "the on-ramp needs ERGO_NODE_URL and GPUC_DEPLOYMENT_FILE" });
  const bridge =
    config.rosen && client && deployment && config.ergoNodeUrl
      ? await createBridge({
          db,
          chain: client,
          nodeUrl: config.ergoNodeUrl,
          deployment,
          config: config.rosen,
        })
      : undefined;
  const services = createServices({
    db,
    config,
    clock: options.clock,
    log,
    chain,
    settlement,
    deployment,
    onramp,
    bridge,
    node: client && deployment ? { client, deployment } : undefined,
  });

  const indexer =
    client && deployment
      ? createMarketplaceIndexer(services, client, {
          deployment,
          startHeight: Math.max(config.indexer.startHeight, deployment.createdAtHeight),
          pollMs: config.indexer.pollMs,
          log: log.child({ part: "indexer" }),
        })
      : undefined;
  indexer?.start();
  const monitor = setInterval(() => {
    services.heartbeats.tick().catch((error: unknown) => log.error("HEARTBEAT_MONITOR_FAILED", { error }));
    services.auth.pruneChallenges().catch((error: unknown) => log.error("CHALLENGE_PRUNE_FAILED", { error }));
    onramp?.delivery.tick().catch((error: unknown) => log.error("ONRAMP_DELIVERY_FAILED", { error }));
  }, config.heartbeats.intervalS * 1000);
  const challenges = setInterval(() => {
    services.challengeScheduler
      .tick()
      .catch((error: unknown) => log.error("CHALLENGE_TICK_FAILED", { error }));
    services.reputation
      .refreshAll()
      .catch((error: unknown) => log.error("REPUTATION_REFRESH_FAILED", { error }));
  }, config.challenges.tickS * 1000);
  // The auditor's reconciliation of settlements against receipts: every lineage, so not on every block.
  const reconciliation = setInterval(() => {
    services.reconciliation.run().catch((error: unknown) => log.error("RECONCILIATION_FAILED", { error }));
  }, RECONCILE_EVERY_MS);

  const server = await listen(
    createApp(services, { indexerEnabled: indexer !== undefined, metrics }),
    config.port,
    config.host,
  );
  const address = server.address() as AddressInfo;
  const url = `http://${config.host}:${address.port}`;
  log.info("MARKETPLACE_STARTED", { url, indexer: indexer !== undefined });
  return {
    url,
    services,
    indexer,
    async stop() {
      clearInterval(monitor);
      clearInterval(challenges);
      clearInterval(reconciliation);
      await indexer?.stop();
      // Open instance streams would keep the server from closing: end them (their clients reconnect).
      await services.instanceStreams.shutdown();
      await new Promise((resolve) => server.close(resolve));
      await db.close();
      await embedded?.stop();
    },
  };
}

/** How often the reconciliation runs (it reads every escrow lineage of the index). */
const RECONCILE_EVERY_MS = 5 * 60_000;

function listen(app: ReturnType<typeof createApp>, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(server)));
  });
}
