import { NodeChainClient } from "@gpuc/offchain";
import type { Database, Logger } from "@gpuc/platform";
import { metricsRoute as prometheusRoute } from "@gpuc/platform/http";
import { INSTANCE_STATES, RECEIPT_MISMATCH_KINDS } from "@gpuc/sdk";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Route } from "./route.ts";

export interface MarketplaceMetricsOptions {
  readonly db: Database;
  readonly log: Logger;
  /** The chain tip (the node's full height), for the indexer lag; without it only the indexed height is shown. */
  readonly chainHeight?: () => Promise<number>;
  /** Database figures are read at most this often; scrapes in between reuse them (default 5 s). */
  readonly refreshMs?: number;
}

/** Routes whose outcome is a metric of its own (the route pattern as Express matched it). */
const HEARTBEAT_ROUTE = /^POST \/api\/v1\/providers\/:\w+\/heartbeats$/;
const RESOLVE_ROUTE = /^POST \/api\/v1\/instances\/:\w+\/resolve$/;
const UNMATCHED = "unmatched";

/**
 * The marketplace's Prometheus metrics on their own registry: HTTP traffic (counted by the matched route
 * pattern, so ids never become labels), heartbeats and arbiter resolves by outcome, and the marketplace's state
 * read from the database on scrape (rentals by state, GPUs, settlements, escrowed GPUC, indexer height and lag).
 * The database figures are cached for `refreshMs`, so a scrape costs at most a handful of aggregate queries.
 *
 * @example
 * const metrics = new MarketplaceMetrics({ db, log, chainHeight: nodeHeight(config.ergoNodeUrl) });
 * app.use(metrics.middleware());
 * mountRoutes(app, [metricsRoute(metrics), ...routes], authenticate);
 */
export class MarketplaceMetrics {
  readonly registry = new Registry();
  readonly #options: MarketplaceMetricsOptions;
  #refreshedAt = Number.NEGATIVE_INFINITY;
  #refreshing: Promise<void> | undefined;
  #indexed: number | undefined;
  #tip: number | undefined;

  readonly httpRequests = new Counter({
    name: "gpuc_marketplace_http_requests_total",
    help: "HTTP requests answered, by route pattern, method and status",
    labelNames: ["route", "method", "status"] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: "gpuc_marketplace_http_request_duration_seconds",
    help: "Time to answer an HTTP request, by route pattern and method",
    labelNames: ["route", "method"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly heartbeats = new Counter({
    name: "gpuc_marketplace_heartbeats_total",
    help: "Executor heartbeats: received (accepted), refused (4xx: key, signature, body) or error (5xx)",
    labelNames: ["result"] as const,
    registers: [this.registry],
  });
  readonly arbiterResolves = new Counter({
    name: "gpuc_marketplace_arbiter_resolves_total",
    help: "Arbiter resolve requests: submitted (on chain), refused (4xx) or failed (5xx, e.g. the node refused it)",
    labelNames: ["result"] as const,
    registers: [this.registry],
  });
  readonly instances = this.#gauge("gpuc_marketplace_instances", "Rentals by state", ["state"]);
  readonly gpusListed = this.#gauge("gpuc_marketplace_gpus_listed", "GPUs in listed offers");
  readonly gpusOnline = this.#gauge(
    "gpuc_marketplace_gpus_online",
    "GPUs in listed offers whose provider is online",
  );
  readonly gpusRented = this.#gauge("gpuc_marketplace_gpus_rented", "GPUs in offers rented now");
  readonly providersOnline = this.#gauge(
    "gpuc_marketplace_providers_online",
    "Providers whose heartbeats arrive",
  );
  readonly settlementsSubmitted = new Counter({
    name: "gpuc_marketplace_settlements_submitted_total",
    help: "Arbiter settlements (resolve transactions) of ended rentals, by close reason (arbiter, provider_down)",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  readonly settlementsUnsettled = this.#gauge(
    "gpuc_marketplace_settlements_unsettled",
    "Rentals whose arbiter settlement did not go through: a resolve signed but not completed (arbiter), or a provider_down refund signed but not completed or without a transaction",
    ["reason"],
  );
  readonly escrowLocked = this.#gauge(
    "gpuc_marketplace_escrow_locked_units",
    "GPUC units locked in unspent escrow boxes (indexed)",
  );
  readonly escrowReleased = new Counter({
    name: "gpuc_marketplace_escrow_released_units_total",
    help: "GPUC units released from escrow boxes by claims, closes and resolves (to providers, fees and refunds)",
    registers: [this.registry],
  });
  readonly indexerHeight = this.#gauge("gpuc_marketplace_indexer_height", "Height of the last indexed block");
  readonly chainHeight = this.#gauge("gpuc_marketplace_chain_height", "The chain tip as the node reports it");
  readonly indexerLag = this.#gauge(
    "gpuc_marketplace_indexer_lag_blocks",
    "Blocks the indexer is behind the chain tip",
  );
  readonly receiptMismatches = new Counter({
    name: "gpuc_receipt_mismatches_total",
    help: "Settlements whose usage receipts do not reconcile with the chain or the executor's metering, by kind (0 expected; see /api/v1/protocol/receipt-mismatches)",
    labelNames: ["kind"] as const,
    registers: [this.registry],
  });
  readonly collectErrors = new Counter({
    name: "gpuc_marketplace_metrics_collect_errors_total",
    help: "Scrapes whose database or node figures could not be read (the previous values are served)",
    labelNames: ["source"] as const,
    registers: [this.registry],
  });

  constructor(options: MarketplaceMetricsOptions) {
    this.#options = options;
    collectDefaultMetrics({ register: this.registry });
  }

  /** Counts and times every request by the route pattern Express matched (`unmatched` for 404s). */
  middleware(): RequestHandler {
    const metrics = this;
    return function countRequests(req: Request, res: Response, next: NextFunction) {
      const end = metrics.httpDuration.startTimer();
      res.on("finish", () => {
        const route = routeOf(req);
        end({ route, method: req.method });
        metrics.httpRequests.inc({ route, method: req.method, status: String(res.statusCode) });
        metrics.#countOutcome(`${req.method} ${route}`, res.statusCode);
      });
      next();
    };
  }

  /** Reads the database (and node) figures unless read within `refreshMs`; concurrent scrapes share one read. */
  async refresh(): Promise<void> {
    if (Date.now() - this.#refreshedAt < (this.#options.refreshMs ?? 5000)) return;
    this.#refreshing ??= Promise.all([this.#readDatabase(), this.#readChain()])
      .then(() => {
        this.#refreshedAt = Date.now();
      })
      .finally(() => {
        this.#refreshing = undefined;
      });
    await this.#refreshing;
  }

  #countOutcome(route: string, status: number): void {
    const outcome = status < 400 ? "ok" : status < 500 ? "refused" : "error";
    if (HEARTBEAT_ROUTE.test(route)) this.heartbeats.inc({ result: outcome === "ok" ? "received" : outcome });
    if (RESOLVE_ROUTE.test(route)) {
      this.arbiterResolves.inc({
        result: outcome === "ok" ? "submitted" : outcome === "error" ? "failed" : outcome,
      });
    }
  }

  async #readDatabase(): Promise<void> {
    try {
      const [states = [], gpus = [], settlements = [], escrow = [], tip = [], mismatches = []] =
        await Promise.all(QUERIES.map((sql) => this.#options.db.query<Row>(sql)));
      for (const state of INSTANCE_STATES) this.instances.set({ state }, 0);
      for (const row of states) this.instances.set({ state: String(row.state) }, Number(row.n));
      const g = gpus[0] ?? {};
      this.gpusListed.set(Number(g.listed ?? 0));
      this.gpusOnline.set(Number(g.online ?? 0));
      this.gpusRented.set(Number(g.rented ?? 0));
      this.providersOnline.set(Number(g.providers_online ?? 0));
      this.#setSettlements(settlements);
      for (const kind of RECEIPT_MISMATCH_KINDS) {
        const found = mismatches.find((row) => row.kind === kind);
        setCounter(this.receiptMismatches, { kind }, Number(found?.n ?? 0));
      }
      const e = escrow[0] ?? {};
      this.escrowLocked.set(Number(e.locked ?? 0));
      setCounter(this.escrowReleased, {}, Number(e.released ?? 0));
      const height = tip[0]?.height;
      if (height !== null && height !== undefined) {
        this.#indexed = Number(height);
        this.indexerHeight.set(this.#indexed);
      }
      this.#updateLag();
    } catch (error) {
      this.collectErrors.inc({ source: "database" });
      this.#options.log.warn("METRICS_DATABASE_READ_FAILED", { error });
    }
  }

  async #readChain(): Promise<void> {
    if (!this.#options.chainHeight) return;
    try {
      this.#tip = await this.#options.chainHeight();
      this.chainHeight.set(this.#tip);
      this.#updateLag();
    } catch (error) {
      this.collectErrors.inc({ source: "node" });
      this.#options.log.debug("METRICS_NODE_READ_FAILED", { error });
    }
  }

  #setSettlements(rows: readonly Row[]): void {
    for (const reason of SETTLED_REASONS) {
      const row = rows.find((candidate) => candidate.reason === reason);
      setCounter(this.settlementsSubmitted, { reason }, Number(row?.submitted ?? 0));
      this.settlementsUnsettled.set({ reason }, Number(row?.unsettled ?? 0));
    }
  }

  /** The lag needs both heights; whichever read comes second sets it. */
  #updateLag(): void {
    if (this.#indexed !== undefined && this.#tip !== undefined) {
      this.indexerLag.set(Math.max(0, this.#tip - this.#indexed));
    }
  }

  #gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }
}

type Row = Record<string, unknown>;

const SETTLED_REASONS = ["arbiter", "provider_down"] as const;

// One aggregate query per figure; each scans one table (instances, gpus+providers, chain_boxes, chain_blocks,
// receipt_mismatches).
const QUERIES = [
  "SELECT state, count(*) AS n FROM instances GROUP BY state",
  `SELECT
     coalesce(sum(g.count) FILTER (WHERE g.listed), 0) AS listed,
     coalesce(sum(g.count) FILTER (WHERE g.listed AND g.online), 0) AS online,
     coalesce(sum(g.count) FILTER (WHERE g.rented_by IS NOT NULL), 0) AS rented,
     (SELECT count(*) FROM providers WHERE online) AS providers_online
   FROM gpus g`,
  `SELECT reason,
     count(*) FILTER (WHERE settled) AS submitted,
     count(*) FILTER (WHERE NOT settled) AS unsettled
   FROM (
     SELECT CASE WHEN state = 'Disputed' THEN 'arbiter'
                 WHEN state IN ('Resolved', 'Failed') THEN close_reason
                 ELSE 'provider_down' END AS reason,
       (state IN ('Resolved', 'Failed') AND settlement_tx_id IS NOT NULL) AS settled
     FROM instances
     -- a live rental with a settlement transaction is a provider_down refund whose submit failed (retried)
     WHERE settlement_tx_id IS NOT NULL
        OR (state = 'Failed' AND close_reason = 'provider_down' AND escrow_box_id IS NOT NULL)
   ) s
   GROUP BY reason`,
  `SELECT
     coalesce(sum(gpuc) FILTER (WHERE spent_tx_id IS NULL), 0) AS locked,
     coalesce(sum(gpuc) FILTER (WHERE spent_tx_id IS NOT NULL), 0)
       - coalesce((SELECT sum(n.gpuc) FROM chain_boxes n WHERE n.kind = 'escrow' AND n.tx_id IN
           (SELECT spent_tx_id FROM chain_boxes WHERE kind = 'escrow' AND spent_tx_id IS NOT NULL)), 0) AS released
   FROM chain_boxes WHERE kind = 'escrow'`,
  "SELECT max(height) AS height FROM chain_blocks",
  // The reconciliation stores each finding once: the totals are counts of rows.
  "SELECT kind, count(*) AS n FROM receipt_mismatches GROUP BY kind",
] as const;

/**
 * A counter whose total lives in the database: set to the read value. Totals only grow, except when a chain
 * rollback unwinds them, which Prometheus treats as a counter reset.
 */
function setCounter<L extends string>(
  counter: Counter<L>,
  labels: Partial<Record<L, string>>,
  value: number,
): void {
  counter.remove(labels);
  counter.inc(labels, value);
}

function routeOf(req: Request): string {
  const path: unknown = req.route?.path;
  return typeof path === "string" ? `${req.baseUrl}${path}` : UNMATCHED;
}

/**
 * The chain tip from an Ergo node (or the devnet) at `url`, with a short timeout so a slow node never holds a
 * scrape; undefined when no node is configured.
 */
export function nodeHeight(url: string | undefined): (() => Promise<number>) | undefined {
  if (!url) return undefined;
  const client = new NodeChainClient(url, { timeoutMs: 2000 });
  return () => client.height();
}

/** `GET /metrics`: the Prometheus text exposition, after refreshing the database figures if stale. */
export function metricsRoute(metrics: MarketplaceMetrics): Route {
  return prometheusRoute(metrics.registry, { refresh: () => metrics.refresh() });
}
