import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing.ts";
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
