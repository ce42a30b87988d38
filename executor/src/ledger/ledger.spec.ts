import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPool, Database, startEmbeddedPostgres } from "@gpuc/platform";
import { createTestDatabase } from "@gpuc/platform/testing";
import { describe, expect, it } from "vitest";
import { testRental } from "../testing/rentals.ts";
import { Ledger } from "./ledger.ts";
import { migrateExecutor } from "./migrations.ts";

const terms = { periodSeconds: 60, prepaidPeriods: 5, pricePerPeriod: 1_000n };

// The same ledger code runs on a PostgreSQL server (DATABASE_URL) and on the embedded server (the default).
const backends = [
  {
    name: "PostgreSQL server",
    open: async () => {
      const test = await createTestDatabase("executor_ledger");
      return { url: test.url, stop: () => test.drop() };
    },
  },
  {
    name: "embedded PostgreSQL",
    open: async () => {
      const dataDir = await mkdtemp(join(tmpdir(), "gpuc-ledger-"));
      await chmod(dataDir, 0o755);
      const embedded = await startEmbeddedPostgres({ dataDir: join(dataDir, "pg") });
      return {
        url: embedded.url,
        stop: async () => {
          await embedded.stop();
          await rm(dataDir, { recursive: true, force: true });
        },
      };
    },
  },
];

describe.each(backends)("Ledger on $name", ({ open }) => {
  it("Should keep one claim row per period and align them with the escrow's paid periods", async () => {
    const backend = await open();
    const db = new Database(createPool(backend.url, { max: 2 }));
    try {
      await migrateExecutor(db.pool);
      const ledger = new Ledger(db);
      const rental = testRental({ hours: 5 });
      expect(await ledger.addRental({ rental, providerId: "p", terms, state: "Starting" })).toBe(true);
      expect(await ledger.addRental({ rental, providerId: "p", terms, state: "Starting" })).toBe(false);
      const escrow = {
        instanceId: rental.id,
        escrowBoxId: rental.escrowBoxId,
        startHeight: 1,
        prepaidPeriods: 5,
        pricePerPeriod: 1_000n,
      };
      await ledger.beginClaims([{ escrow, fromPeriod: 1, toPeriod: 3, amount: 3_000n }]);
      await expect(
        ledger.beginClaims([{ escrow, fromPeriod: 3, toPeriod: 3, amount: 1_000n }]),
      ).rejects.toThrow();
      expect(await ledger.claimedThrough(rental.id)).toBe(3);

      // The escrow says 2 were paid: 1–2 confirmed, 3 (still `submitting`) dropped to be claimed again.
      await ledger.reconcileClaims(rental.id, 2, 1_000n, 1800);
      const rows = await db.query<{ period: number; status: string }>(
        "SELECT period, status FROM executor_claims WHERE instance_id = $1 ORDER BY period",
        [rental.id],
      );
      expect(rows).toEqual([
        { period: 1, status: "confirmed" },
        { period: 2, status: "confirmed" },
      ]);
      expect(await ledger.claimTotals(rental.id)).toEqual({ periods: 2, amount: 2_000n });

      await ledger.enqueueEvent(rental.id, { state: "Starting" });
      await ledger.enqueueEvent(rental.id, { state: "Running" });
      const [first] = await ledger.unsentEvents();
      await ledger.markEventSent(first!.id);
      expect((await ledger.unsentEvents()).map((event) => event.body)).toEqual([{ state: "Running" }]);
      expect((await ledger.active()).map((row) => row.instanceId)).toEqual([rental.id]);
    } finally {
      await db.close();
      await backend.stop();
    }
  });
});
