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

/** Each query in every sort order, pages 1 and 3 of 20 and a page of 100. */
const everySort = (raw: Readonly<Record<string, string | undefined>>) =>
  GPU_SORTS.flatMap((sort) =>
    [
      { page: "1", limit: "20" },
      { page: "3", limit: "20" },
      { page: "1", limit: "100" },
    ].map((page) => searchQuery.parse({ ...raw, ...page, sort })),
  );

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

  /** The index's answers equal the SQL's for each of `queries`. */
  async function agrees(queries: SearchQuery[]): Promise<void> {
    for (const query of queries)
      expect(ids(await gpus.search(query))).toEqual(ids(await gpus.searchInDatabase(query)));
  }

  it("Should follow values it has not seen before: a new region, a new model found by any part of its name", async () => {
    await gpus.search(searchQuery.parse({}));
    await other.query(
      "UPDATE gpus SET region = 'sa-east', model = 'RTX 4090 Ti', model_key = 'rtx4090ti' WHERE id IN (SELECT id FROM gpus ORDER BY id LIMIT 40)",
    );
    for (const filter of [
      { region: "sa-east" },
      { gpu_name: "4090ti" },
      { gpu_name: "4090" },
      { gpu_name: "Ti" },
    ])
      await agrees(everySort({ ...filter, include_unverified: "true" }));
    expect(
      (await gpus.search(searchQuery.parse({ region: "sa-east", include_unverified: "true" }))).total,
    ).toBe(40);
    // A region no offer has any more, and one never seen: nothing matches.
    await other.query("UPDATE gpus SET region = 'us-east' WHERE region = 'sa-east'");
    await agrees([...everySort({ region: "sa-east" }), ...everySort({ region: "mars" })]);
  });

  it("Should move an offer between positions when what it is sorted by changes", async () => {
    await gpus.search(searchQuery.parse({}));
    await other.query(`UPDATE gpus SET
        price_per_hour = CASE WHEN position % 2 = 0 THEN 1 ELSE 99000000 END,
        reliability = CASE WHEN position % 3 = 0 THEN 1 ELSE 0 END,
        price_per_tflops = CASE WHEN position % 2 = 0 THEN 0.5 ELSE 1e9 END,
        price_per_measured_tflops = CASE WHEN price_per_measured_tflops IS NULL THEN 7 ELSE NULL END
      WHERE id IN (SELECT id FROM gpus ORDER BY id DESC LIMIT 50)`);
    await agrees([...everySort({}), ...everySort({ available: "true", include_unverified: "true" })]);
  });

  /** Another offer beside each of the seeded ones (at position + `shift`), a little dearer. */
  async function copyOffers(shift: number): Promise<void> {
    await other.query(
      `INSERT INTO gpus (id, provider_id, position, model, model_key, vram_gb, count, device_ids, cuda_version, cpu_cores,
                         ram_gb, disk_gb, region, price_per_hour, min_hours, max_hours, tflops, price_per_tflops, listed,
                         online, reliability, verification)
       SELECT gen_random_uuid(), provider_id, position + $1, model, model_key, vram_gb, count, device_ids, cuda_version,
              cpu_cores, ram_gb, disk_gb, region, price_per_hour + 7, min_hours, max_hours, tflops, price_per_tflops,
              listed, online, reliability, verification
         FROM gpus WHERE position < 10`,
      [shift],
    );
  }

  it("Should grow past its first capacity and reuse the slots of deleted offers", async () => {
    await gpus.search(searchQuery.parse({}));
    // 600 seeded, 1,024 slots at first: 600 more offers make it grow.
    await copyOffers(1000);
    await agrees(everySort({ include_unverified: "true" }));
    await other.query(
      "DELETE FROM gpus WHERE id IN (SELECT id FROM gpus ORDER BY reliability, id LIMIT 300)",
    );
    await copyOffers(2000);
    await agrees([...everySort({}), ...everySort({ gpu_name: "a100", num_gpus: "2", min_vram: "48" })]);
  });

  it("Should compare prices beyond 2^53 exactly (where doubles round two prices to one)", async () => {
    const [a, b] = await other.query<{ id: string }>(
      "SELECT id FROM gpus WHERE listed AND verification = 'verified' ORDER BY id LIMIT 2",
    );
    await other.query("UPDATE gpus SET price_per_hour = 9007199254740993 WHERE id = $1", [a!.id]);
    await other.query("UPDATE gpus SET price_per_hour = 9007199254740992 WHERE id = $1", [b!.id]);
    await agrees([
      ...everySort({}),
      ...everySort({ max_price: "9007199254740992" }),
      ...everySort({ max_price: "9007199254740993" }),
    ]);
    const top = await gpus.search(searchQuery.parse({ sort: "-price", limit: "2" }));
    expect(top.rows.map((row) => row.price_per_hour)).toEqual([9007199254740993n, 9007199254740992n]);
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
