import { fileURLToPath } from "node:url";
import type { IndexSubscriber } from "@gpuc/indexer";
import { type ChainClient, Signer } from "@gpuc/offchain";
import { type Database, type Logger, loadMigrations, migrate } from "@gpuc/platform";
import type { Registry } from "prom-client";
import type Stripe from "stripe";
import type { OnrampConfig } from "./config.ts";
import { DeliveriesRepository } from "./delivery/deliveries.repository.ts";
import { DeliveryService } from "./delivery/delivery.service.ts";
import { deliverySubscriber } from "./delivery/delivery.subscriber.ts";
import { OnrampMetrics } from "./metrics.ts";
import { OrdersRepository } from "./orders/orders.repository.ts";
import { OrdersService } from "./orders/orders.service.ts";
import { createStripeClient, StripeCheckout } from "./payments/stripe-checkout.ts";
import { chainPrices } from "./pricing/chain-prices.ts";
import { QuotesRepository } from "./quotes/quotes.repository.ts";
import { QuotesService } from "./quotes/quotes.service.ts";
import { EventsRepository } from "./webhooks/events.repository.ts";
import { WebhooksService } from "./webhooks/webhooks.service.ts";

const MIGRATIONS = fileURLToPath(new URL("../migrations", import.meta.url));

/** Applies the on-ramp's migrations (`onramp/migrations/*.sql`). Idempotent. */
export async function migrateOnramp(db: Database): Promise<string[]> {
  return migrate(db.pool, "onramp", await loadMigrations(MIGRATIONS));
}

export interface OnrampDeps {
  /** The host's database: the indexer's blocks and the on-ramp's writes commit together. */
  readonly db: Database;
  readonly chain: ChainClient;
  readonly config: OnrampConfig;
  readonly deployment: { readonly gpucTokenId: string; readonly configNftId: string };
  readonly log: Logger;
  /** The host's Prometheus registry; without it no metrics are kept. */
  readonly registry?: Registry;
  /** Another Stripe client (default: the official one from the config's key and API base). */
  readonly stripe?: Stripe;
  readonly now?: () => Date;
}

/** The fiat on-ramp, built once from its deps: its services, and the indexer subscriber that confirms deliveries. */
export function createOnramp(deps: OnrampDeps) {
  const { db, chain, config, log, now } = deps;
  const orders = new OrdersRepository(db);
  const quotes = new QuotesRepository(db);
  const deliveries = new DeliveriesRepository(db);
  const delivery = new DeliveryService({
    db,
    orders,
    deliveries,
    chain,
    float: Signer.fromSecretHex(config.floatSecretHex, config.network),
    gpucTokenId: deps.deployment.gpucTokenId,
    confirmations: config.confirmations,
    maxBatch: config.maxBatch,
    log,
    now,
  });
  const stripe = deps.stripe ?? createStripeClient(config.stripe);
  const checkout = new StripeCheckout(stripe, config.stripe.webhookSecret);
  const metrics = deps.registry && new OnrampMetrics(deps.registry, { orders, delivery });
  const subscriber: IndexSubscriber = deliverySubscriber({
    deliveries,
    delivery,
    confirmations: config.confirmations,
    log,
    now,
    onDelivered: (confirmed, at) => metrics?.observe(confirmed, at),
  });
  return {
    config,
    delivery,
    subscriber,
    metrics,
    quotes: new QuotesService({
      repo: quotes,
      prices: chainPrices(chain, { configNftId: deps.deployment.configNftId, oracle: config.oracle }),
      spreadBps: config.spreadBps,
      stripeFee: config.stripeFee,
      ttlS: config.quoteTtlS,
      limits: config.limits,
      now,
    }),
    orders: new OrdersService({
      db,
      orders,
      quotes,
      gateway: checkout,
      float: delivery,
      limits: config.limits,
      publicUrl: config.publicUrl,
      log,
      now,
    }),
    webhooks: new WebhooksService({
      db,
      events: new EventsRepository(db),
      orders,
      verify: (body, signature) => checkout.verify(body, signature),
      onPaid: () => delivery.tick(),
      log,
      now,
    }),
  };
}

export type Onramp = ReturnType<typeof createOnramp>;
