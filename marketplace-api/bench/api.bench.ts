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

const GPUS = 10_000;
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const CONNECTIONS = 10;
const QUERY =
  "gpu_name=4090&min_vram=16&max_price=3000000&available=true&sort=price_per_performance&limit=20";

async function seed(db: Database): Promise<void> {
  // 1,000 providers with 10 offers each; models, prices, regions, reliability and liveness vary.
  await db.query(`
    INSERT INTO providers (id, owner_address, name, region, stake_box_id, stake_nanoerg, stake_bonded, stake_listing_hash,
                           listing_hash, created_at, online, reliability)
    SELECT gen_random_uuid(), 'bench-' || i, 'p' || i, (ARRAY['eu-west','us-east','ap-south','eu-north'])[1 + i % 4],
           md5(i::text) || md5((i + 1)::text), 100000000000, true, 'h', 'h', now(), i % 5 <> 0, (i % 100) / 100.0
      FROM generate_series(1, ${GPUS / 10}) i`);
  await db.query(`
    INSERT INTO gpus (id, provider_id, position, model, model_key, vram_gb, count, device_ids, cuda_version, cpu_cores, ram_gb,
                      disk_gb, region, price_per_hour, min_hours, max_hours, tflops, price_per_tflops, listed, online, reliability)
    SELECT gen_random_uuid(), p.id, pos, m.model, m.key, m.vram, 1 + (pos % 8), ARRAY['0'], '12.4', 16, 64, 500, p.region,
           price, 1, 72, m.tflops * (1 + (pos % 8)), price / (m.tflops * (1 + (pos % 8))), true, p.online, p.reliability
      FROM providers p CROSS JOIN generate_series(0, 9) pos
      CROSS JOIN LATERAL (SELECT (ARRAY['RTX 4090','RTX 3090','A100','H100 SXM','L40S'])[1 + (pos + length(p.name)) % 5] AS model) pick
      CROSS JOIN LATERAL (SELECT pick.model AS model, lower(replace(pick.model, ' ', '')) AS key,
                                 CASE pick.model WHEN 'A100' THEN 80 WHEN 'H100 SXM' THEN 80 WHEN 'L40S' THEN 48 ELSE 24 END AS vram,
                                 CASE pick.model WHEN 'RTX 4090' THEN 82.6 WHEN 'RTX 3090' THEN 35.6 WHEN 'A100' THEN 19.5
                                                 WHEN 'H100 SXM' THEN 67 ELSE 91.6 END AS tflops) m
      CROSS JOIN LATERAL (SELECT (200000 + (hashtext(p.id::text || pos) & 4194303))::bigint AS price) pr`);
  await db.query("ANALYZE");
}

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
    await seed(db);
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
