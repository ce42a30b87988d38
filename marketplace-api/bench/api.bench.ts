// `npm run bench:api`: 100,000 listed GPU offers (BENCH_OFFERS), then GET /api/v1/gpus over every filter and sort
// under autocannon at 10 connections, beside the same searches through bare `pg` at the same concurrency (the API
// answers from its in-memory offer index, the baseline from PostgreSQL). Prints one JSON object.

import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { createLogger, createPool, Database } from "@gpuc/platform";
import { createTestDatabase } from "@gpuc/platform/testing";
import { searchQuery } from "@gpuc/sdk";
import autocannon from "autocannon";
import { createApp } from "../src/app.ts";
import { defaultConfig } from "../src/core/config.ts";
import { migrateMarketplace } from "../src/core/database.ts";
import { type GpuRow, searchSql } from "../src/gpus/gpus.repository.ts";
import { OfferColumns } from "../src/gpus/offer-columns.ts";
import { createServices } from "../src/services.ts";
import { seedOffers } from "../src/testing/seed-offers.ts";

const GPUS = Number(process.env.BENCH_OFFERS ?? 100_000);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const CONNECTIONS = 10;
/** Every filter and every sort, a deep page among them; each client cycles through them in turn. */
const QUERIES = [
  "sort=price&limit=20",
  "gpu_name=4090&min_vram=16&max_price=3000000&available=true&sort=price_per_performance&limit=20",
  "region=eu-west&sort=-price&limit=20",
  "min_reliability=0.9&available=true&sort=reliability&limit=20",
  "num_gpus=4&include_unverified=true&sort=price_per_measured_tflops&limit=20",
  "gpu_name=h100&min_vram=80&region=us-east&sort=price&limit=50",
  "max_price=500000&available=true&sort=price&page=40&limit=20",
  "gpu_name=rtx&num_gpus=2&min_reliability=0.5&sort=-price&limit=100",
];

const parse = (text: string) => searchQuery.parse(Object.fromEntries(new URLSearchParams(text)));

/** The same searches through bare `pg`, the page and the total in parallel as the SQL path runs them. */
async function barePg(
  db: Database,
): Promise<{ requestsPerSec: number; p50Ms: number; p99Ms: number; rows: number }> {
  const statements = QUERIES.map((text) => {
    const query = parse(text);
    const { where, order, values } = searchSql(query);
    const offset = (query.page - 1) * query.limit;
    return {
      select: `SELECT * FROM gpus WHERE ${where} ORDER BY ${order} LIMIT ${query.limit} OFFSET ${offset}`,
      count: `SELECT COUNT(*) AS total FROM gpus WHERE ${where}`,
      values,
    };
  });
  const latencies: number[] = [];
  let rows = 0;
  const deadline = performance.now() + DURATION_S * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, client) => {
      for (let i = client; performance.now() < deadline; i++) {
        const { select, count, values } = statements[i % statements.length]!;
        const started = performance.now();
        const [page] = await Promise.all([db.pool.query(select, values), db.pool.query(count, values)]);
        latencies.push(performance.now() - started);
        rows += page.rowCount ?? 0;
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  return { requestsPerSec: round(latencies.length / DURATION_S), p50Ms: at(0.5), p99Ms: at(0.99), rows };
}

/** The plan PostgreSQL picks for the page query, to show which index serves it. */
async function explain(db: Database): Promise<string[]> {
  const query = parse(QUERIES[1]!);
  const { where, order, values } = searchSql(query);
  const rows = await db.query<{ "QUERY PLAN": string }>(
    `EXPLAIN SELECT * FROM gpus WHERE ${where} ORDER BY ${order} LIMIT ${query.limit}`,
    values,
  );
  return rows.map((row) => row["QUERY PLAN"].trim());
}

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * Each query's search of the in-memory columns alone (no barrier, no HTTP), median of 50 after a warm-up, in ms:
 * `counted` counts the total every time (a search after a change), `remembered` reuses it (no change between).
 */
async function scanMs(db: Database): Promise<{ counted: number[]; remembered: number[] }> {
  const rows = await db.query<GpuRow>("SELECT * FROM gpus");
  const time = (columns: OfferColumns) => {
    columns.load(rows);
    return QUERIES.map((text) => {
      const query = parse(text);
      for (let i = 0; i < 20; i++) columns.search(query);
      const times = Array.from({ length: 50 }, () => {
        const started = performance.now();
        columns.search(query);
        return performance.now() - started;
      }).sort((a, b) => a - b);
      return Math.round(times[25]! * 1000) / 1000;
    });
  };
  return { counted: time(new OfferColumns({ rememberTotals: false })), remembered: time(new OfferColumns()) };
}

async function main(): Promise<void> {
  const database = await createTestDatabase("bench_api");
  const db = new Database(createPool(database.url, { max: CONNECTIONS * 2 }));
  try {
    await migrateMarketplace(db);
    const seedStart = performance.now();
    await seedOffers(db, GPUS);
    const seedMs = round(performance.now() - seedStart);
    const services = createServices({
      db,
      // The in-memory offer index (SEARCH_INDEX=false measures the SQL path through the API instead).
      config: defaultConfig({ searchIndex: process.env.SEARCH_INDEX !== "false" }),
      log: createLogger("bench", { level: "error" }),
    });
    const server = createApp(services).listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const paths = QUERIES.map((query) => `/api/v1/gpus?${query}`);
    // The first search loads the offer index (every offer, sorted): not part of the steady state measured.
    const warmStart = performance.now();
    const matches = [];
    for (const path of paths)
      matches.push(((await (await fetch(base + path)).json()) as { total: number }).total);
    const warmMs = round(performance.now() - warmStart);
    const result = await autocannon({
      url: base,
      connections: CONNECTIONS,
      duration: DURATION_S,
      requests: paths.map((path) => ({ method: "GET", path })),
    });
    server.close();
    const pg = await barePg(db);
    const plan = await explain(db);
    const scans = await scanMs(db);
    console.log(
      JSON.stringify({
        benchmark: "marketplace-api GET /api/v1/gpus",
        gpus: GPUS,
        seedMs,
        queries: QUERIES,
        matches,
        firstSearchesMs: warmMs,
        durationS: DURATION_S,
        connections: CONNECTIONS,
        api: {
          requestsPerSec: round(result.requests.average),
          p50Ms: result.latency.p50,
          p99Ms: result.latency.p99,
          requests: result.requests.total,
          non2xx: result.non2xx,
          errors: result.errors,
        },
        barePg: pg,
        indexScanMs: scans,
        plan: plan.slice(0, 3),
      }),
    );
  } finally {
    await db.close();
    await database.drop();
  }
}

await main();
