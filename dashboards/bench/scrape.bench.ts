// Cost of the marketplace's /metrics on a seeded database: cold scrapes (the database figures are read) and
// cached ones (within the 5 s refresh window). Prints one JSON object. `npx tsx dashboards/bench/scrape.bench.ts`
import { defaultConfig, startMarketplace } from "@gpuc/marketplace-api";
import { createLogger, createPool, Database } from "@gpuc/platform";
import { createTestDatabase } from "@gpuc/platform/testing";
import { INSTANCE_STATES } from "@gpuc/sdk";

const RENTALS = Number(process.argv[2] ?? 10_000);
const COLD = 3;
const CACHED = 200;

const testDb = await createTestDatabase("dashboards_bench");
const market = await startMarketplace(
  defaultConfig({ port: 0, host: "127.0.0.1", databaseUrl: testDb.url }),
  {
    log: createLogger("marketplace-api", { level: "error" }),
  },
);
const db = new Database(createPool(testDb.url));
await seed(db, RENTALS);

const scrape = async () => {
  const started = performance.now();
  const response = await fetch(`${market.url}/metrics`);
  await response.text();
  return performance.now() - started;
};
const cold: number[] = [];
const cached: number[] = [];
for (let i = 0; i < COLD; i++) {
  await new Promise((resolve) => setTimeout(resolve, 5100));
  cold.push(await scrape());
  for (let j = 0; j < CACHED / COLD; j++) cached.push(await scrape());
}
const ms = (values: number[]) => ({
  median: Number(values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!.toFixed(2)),
  max: Number(Math.max(...values).toFixed(2)),
});
console.log(
  JSON.stringify({ rentals: RENTALS, escrowBoxes: RENTALS * 2, coldMs: ms(cold), cachedMs: ms(cached) }),
);
await db.close();
await market.stop();
await testDb.drop();

/** One provider and offer, `n` rentals over all states, and an opened-then-claimed escrow pair per rental. */
async function seed(db: Database, n: number): Promise<void> {
  await db.query(`INSERT INTO providers (id, owner_address, name, region, stake_box_id, stake_nanoerg, stake_bonded,
    stake_listing_hash, created_at, online) VALUES (gen_random_uuid(), 'a', 'p', 'eu', 'b', 1, true, 'h', now(), true)`);
  await db.query(`INSERT INTO gpus (id, provider_id, position, model, model_key, vram_gb, count, device_ids, cuda_version,
    cpu_cores, ram_gb, disk_gb, region, price_per_hour, min_hours, max_hours, tflops, price_per_tflops, listed, online)
    SELECT gen_random_uuid(), id, 0, 'H100', 'h100', 80, 8, '{}', '12', 16, 64, 500, 'eu', 1, 1, 72, 1, 1, true, true
    FROM providers`);
  await db.query(
    `INSERT INTO instances (id, consumer_address, provider_id, gpu_id, state, image, hours, price_per_hour, amount,
       close_reason, settlement_tx_id, escrow_box_id, created_at, updated_at)
     SELECT gen_random_uuid(), 'c', g.provider_id, g.id,
       ($2::text[])[1 + i % 9],
       'img', 1, 1, 1, CASE WHEN i % 9 = 6 THEN 'provider_down' WHEN i % 9 = 8 THEN 'arbiter' END,
       CASE WHEN i % 9 IN (6, 8) THEN md5(i::text) END, md5('e' || i), now(), now()
     FROM gpus g, generate_series(1, $1::int) i`,
    [n, INSTANCE_STATES],
  );
  await db.query(
    `INSERT INTO chain_boxes (box_id, kind, tx_id, output_index, ergo_tree, value, assets, registers, creation_height,
       inclusion_height, gpuc, spent_tx_id, spent_height)
     SELECT md5('o' || i), 'escrow', md5('t' || i), 0, 'tree', 1, '[]'::jsonb, '{}'::jsonb, 1, 1, 1000, md5('c' || i), 2
     FROM generate_series(1, $1::int) i
     UNION ALL
     SELECT md5('n' || i), 'escrow', md5('c' || i), 0, 'tree', 1, '[]'::jsonb, '{}'::jsonb, 2, 2, 600, NULL, NULL
     FROM generate_series(1, $1::int) i`,
    [n],
  );
  await db.query("ANALYZE");
}
