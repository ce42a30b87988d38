import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing.ts";
import { startEmbeddedPostgres } from "./embedded.ts";
import { migrate } from "./migrate.ts";
import { createPool } from "./pool.ts";
import { Database } from "./transaction.ts";

const migrations = [
  { id: "001_accounts.sql", sql: "CREATE TABLE accounts (id TEXT PRIMARY KEY, balance BIGINT NOT NULL)" },
  { id: "002_seed.sql", sql: "INSERT INTO accounts VALUES ('alice', 9007199254740993)" },
];

describe("Database on a real PostgreSQL server", () => {
  let testDb: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    testDb = await createTestDatabase("platform");
    db = new Database(createPool(testDb.url));
    await migrate(db.pool, "platform-test", migrations);
  });
  afterAll(async () => {
    await db.close();
    await testDb.drop();
  });

  it("Should apply each migration once", async () => {
    expect(await migrate(db.pool, "platform-test", migrations)).toEqual([]);
    const rows = await db.query<{ balance: bigint }>("SELECT balance FROM accounts WHERE id = 'alice'");
    expect(rows[0]?.balance).toBe(9007199254740993n);
  });

  it("Should roll back every query of a failed transaction, nested calls included", async () => {
    await expect(
      db.transaction(async () => {
        await db.query("INSERT INTO accounts VALUES ('bob', 1)");
        await db.transaction(() => db.query("UPDATE accounts SET balance = 0 WHERE id = 'alice'"));
        throw new Error("payment provider down");
      }),
    ).rejects.toThrow("payment provider down");
    const rows = await db.query<{ id: string; balance: bigint }>(
      "SELECT id, balance FROM accounts ORDER BY id",
    );
    expect(rows).toEqual([{ id: "alice", balance: 9007199254740993n }]);
  });
});

describe("Embedded PostgreSQL (PGlite over the wire)", () => {
  it("Should serve pg clients and keep data across a restart", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "gpuc-pglite-"));
    try {
      const first = await startEmbeddedPostgres({ dataDir });
      const db1 = new Database(createPool(first.url, { max: 2 }));
      await migrate(db1.pool, "embedded-test", migrations);
      await db1.close();
      await first.stop();

      const second = await startEmbeddedPostgres({ dataDir });
      const db2 = new Database(createPool(second.url, { max: 2 }));
      const rows = await db2.query<{ balance: bigint }>("SELECT balance FROM accounts");
      expect(rows).toEqual([{ balance: 9007199254740993n }]);
      await db2.close();
      await second.stop();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
