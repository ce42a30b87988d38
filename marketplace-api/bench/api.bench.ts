// `npm run bench:api`: 10,000 listed GPU offers, then GET /api/v1/gpus with filters under autocannon, beside the
// same query through bare `pg` at the same concurrency. Prints one JSON object.

import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { createLogger, createPool, Database } from "@gpuc/platform";
import { createTestDatabase } from "@gpuc/platform/testing";
import { searchQuery } from "@gpuc/sdk";
import autocannon from "autocannon";
import { createApp } from "../src/app.ts";
import { defaultConfig } from "../src/core/config.ts";
import { migrateMarketplace } from "../src/core/database.ts";
import { searchSql } from "../src/gpus/gpus.repository.ts";
import { createServices } from "../src/services.ts";
import { seedOffers } from "../src/testing/seed-offers.ts";

const GPUS = 10_000;
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const CONNECTIONS = 10;
const QUERY =
  "gpu_name=4090&min_vram=16&max_price=3000000&available=true&sort=price_per_performance&limit=20";

async function barePg(
  db: Database,
): Promise<{ requestsPerSec: number; p50Ms: number; p99Ms: number; rows: number }> {
  const query = searchQuery.parse(Object.fromEntries(new URLSearchParams(QUERY)));
  const { where, order, values } = searchSql(query);
  const select = `SELECT * FROM gpus WHERE ${where} ORDER BY ${order} LIMIT ${query.limit} OFFSET 0`;
  const count = `SELECT COUNT(*) AS total FROM gpus WHERE ${where}`;
  const latencies: number[] = [];
  let rows = 0;
  const deadline = performance.now() + DURATION_S * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < deadline) {
        const started = performance.now();
        // The API runs the page and the total in parallel; so does this.
        const [page] = await Promise.all([db.pool.query(select, values), db.pool.query(count, values)]);
        latencies.push(performance.now() - started);
        rows = page.rowCount ?? 0;
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
  const query = searchQuery.parse(Object.fromEntries(new URLSearchParams(QUERY)));
  const { where, order, values } = searchSql(query);
  const rows = await db.query<{ "QUERY PLAN": string }>(
    `EXPLAIN SELECT * FROM gpus WHERE ${where} ORDER BY ${order} LIMIT ${query.limit}`,
    values,
  );
  return rows.map((row) => row["QUERY PLAN"].trim());
}

const round = (n: number) => Math.round(n * 100) / 100;

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
      config: defaultConfig(),
      log: createLogger("bench", { level: "error" }),
    });
    const server = createApp(services).listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/gpus?${QUERY}`;
    const sample = (await (await fetch(url)).json()) as { total: number; items: unknown[] };
    const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S });
    server.close();
    const pg = await barePg(db);
    const plan = await explain(db);
    console.log(
      JSON.stringify({
        benchmark: "marketplace-api GET /api/v1/gpus",
        gpus: GPUS,
        seedMs,
        query: QUERY,
        matches: sample.total,
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
        plan: plan.slice(0, 3),
      }),
    );
  } finally {
    await db.close();
    await database.drop();
  }
}

await main();
