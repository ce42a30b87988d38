import { createLogger, createPool, Database } from "@gpuc/platform";
import { createTestDatabase, type TestDatabase } from "@gpuc/platform/testing";
import { GPU_SORTS, type SearchQuery, searchQuery } from "@gpuc/sdk";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateMarketplace } from "../core/database.ts";
import { seedOffers } from "../testing/seed-offers.ts";
import { GpusRepository } from "./gpus.repository.ts";

const log = createLogger("offer-index-spec", { level: "error" });

/** Queries over every filter and sort, as the API would parse them. */
const queries = fc
  .record(
    {
      gpu_name: fc.constantFrom("4090", "3090", "a100", "H100", "l40", "rtx"),
      min_vram: fc.constantFrom(0, 24, 48, 80),
      num_gpus: fc.integer({ min: 1, max: 8 }),
      max_price: fc.integer({ min: 200_000, max: 4_500_000 }).map(String),
      region: fc.constantFrom("eu-west", "us-east", "ap-south", "nowhere"),
      min_reliability: fc.constantFrom(0, 0.25, 0.5, 0.9),
      available: fc.constantFrom("true", "false"),
      include_unverified: fc.constantFrom("true", "false"),
      sort: fc.constantFrom(...GPU_SORTS),
      page: fc.integer({ min: 1, max: 4 }),
      limit: fc.constantFrom(1, 5, 20, 100),
    },
    { requiredKeys: ["sort"] },
  )
  .map((raw) => searchQuery.parse(raw));

const ids = (result: { rows: { id: string }[]; total: number }) => ({
  ids: result.rows.map((row) => row.id),
  total: result.total,
});

describe("the in-memory offer index", () => {
  let database: TestDatabase;
  let db: Database;
  let other: Database;
  let gpus: GpusRepository;

  beforeAll(async () => {
    database = await createTestDatabase("offer_index");
    db = new Database(createPool(database.url));
    // Another process writing the same database (a second marketplace, the indexer's subscribers).
    other = new Database(createPool(database.url));
    await migrateMarketplace(db);
    await seedOffers(db, 600);
    // Every verification state, measured and unmeasured offers, and some rented.
    await db.query(`UPDATE gpus SET
        verification = (ARRAY['pending','verified','unverified','failed'])[1 + abs(hashtext(id::text)) % 4],
        measured_tflops = CASE WHEN abs(hashtext(id::text || 'm')) % 3 = 0 THEN NULL ELSE 10 + abs(hashtext(id::text)) % 90 END,
        rented_by = CASE WHEN abs(hashtext(id::text || 'r')) % 7 = 0 THEN gen_random_uuid() END`);
    await db.query("UPDATE gpus SET price_per_measured_tflops = price_per_hour / measured_tflops");
    gpus = new GpusRepository(db, log, { index: true });
  });
  afterAll(async () => {
    await other.close();
    await db.close();
    await database.drop();
  });

  it("Should answer every filter and sort exactly as the SQL does", async () => {
    await fc.assert(
      fc.asyncProperty(queries, async (query: SearchQuery) => {
        expect(ids(await gpus.search(query))).toEqual(ids(await gpus.searchInDatabase(query)));
      }),
      { numRuns: 150 },
    );
  });

  it("Should see a write committed by another connection in the very next search", async () => {
    const query = searchQuery.parse({ sort: "price", limit: 1 });
    const [cheapest] = (await gpus.search(query)).rows;
    await other.query(
      "UPDATE gpus SET price_per_hour = 1, price_per_tflops = 0 WHERE id = (SELECT id FROM gpus WHERE listed AND verification = 'verified' ORDER BY id DESC LIMIT 1)",
    );
    const [now] = (await gpus.search(query)).rows;
    expect(now?.price_per_hour).toBe(1n);
    expect(now?.id).not.toBe(cheapest?.id);

    await other.query("DELETE FROM gpus WHERE id = $1", [now!.id]);
    expect((await gpus.search(query)).rows[0]?.id).not.toBe(now!.id);
    expect(ids(await gpus.search(query))).toEqual(ids(await gpus.searchInDatabase(query)));
  });

  it("Should agree with the SQL while writes land between concurrent searches", async () => {
    const query = searchQuery.parse({ available: "true", sort: "reliability", limit: 100 });
    const writes = Array.from({ length: 20 }, (_, i) =>
      other.query(
        "UPDATE gpus SET online = NOT online WHERE id IN (SELECT id FROM gpus ORDER BY id OFFSET $1 LIMIT 5)",
        [i * 5],
      ),
    );
    const searches = Array.from({ length: 20 }, () => gpus.search(query));
    await Promise.all([...writes, ...searches]);
    expect(ids(await gpus.search(query))).toEqual(ids(await gpus.searchInDatabase(query)));
  });

  it("Should reload after losing its connection, missing nothing written meanwhile", async () => {
    const query = searchQuery.parse({ region: "ap-south", sort: "-price", include_unverified: "true" });
    await gpus.search(query);
    await other.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'",
    );
    await other.query("UPDATE gpus SET region = 'ap-south' WHERE region = 'eu-north'");
    // The search waits for the index to listen again (it reconnects within a second) and resync.
    await expect
      .poll(async () => ids(await gpus.search(query)), { timeout: 10_000 })
      .toEqual(ids(await gpus.searchInDatabase(query)));
  });
});
