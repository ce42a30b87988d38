import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  EmbeddedDataDirError,
  EmbeddedDataDirUnreachableError,
  type EmbeddedPostgres,
  startEmbeddedPostgres,
} from "./embedded.ts";
import { migrate } from "./migrate.ts";
import { createPool } from "./pool.ts";
import { Database } from "./transaction.ts";

const migrations = [
  { id: "001_accounts.sql", sql: "CREATE TABLE accounts (id TEXT PRIMARY KEY, balance BIGINT NOT NULL)" },
  { id: "002_seed.sql", sql: "INSERT INTO accounts VALUES ('alice', 9007199254740993)" },
];

describe("Embedded PostgreSQL (a real server from npm)", () => {
  let root: string;
  let pg: EmbeddedPostgres;
  let db: Database;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "gpuc-embedded-"));
    await chmod(root, 0o755); // mkdtemp's 0700 would keep the postgres user out (see the unreachable test)
    pg = await startEmbeddedPostgres({ dataDir: join(root, "pg") });
    db = new Database(createPool(pg.url, { max: 20 }));
    await migrate(db.pool, "embedded-test", migrations);
  });
  afterAll(async () => {
    await db.close();
    await pg.stop();
    await rm(root, { recursive: true, force: true });
  });

  it("Should answer 20 concurrent connections × 500 mixed queries and transactions with the right rows", async () => {
    await db.query("CREATE TABLE items (worker INT, seq INT, payload TEXT, PRIMARY KEY (worker, seq))");
    await db.query("CREATE TABLE pots (worker INT PRIMARY KEY, total BIGINT NOT NULL)");
    const WORKERS = 20;
    const OPS = 500;
    const errors: unknown[] = [];
    const wrong: string[] = [];
    // Each worker holds its own connection, so the server sees 20 sessions interleaving extended-protocol
    // messages: exactly where a single-session stand-in binds one client's statement to another's parameters.
    const worker = async (w: number) => {
      const client = await db.pool.connect();
      try {
        await client.query("INSERT INTO pots (worker, total) VALUES ($1, 0)", [w]);
        for (let i = 0; i < OPS; i++) {
          const payload = `w${w}-i${i}`;
          if (i % 5 === 4) {
            await client.query("BEGIN");
            await client.query("UPDATE pots SET total = total + $2 WHERE worker = $1", [w, i]);
            await client.query("INSERT INTO items (worker, seq, payload) VALUES ($1, $2, $3)", [
              w,
              i,
              payload,
            ]);
            await client.query("COMMIT");
          } else {
            await client.query("INSERT INTO items (worker, seq, payload) VALUES ($1, $2, $3)", [
              w,
              i,
              payload,
            ]);
          }
          const read = await client.query<{ payload: string; worker: number }>(
            "SELECT payload, worker FROM items WHERE worker = $1 AND seq = $2",
            [w, i],
          );
          if (read.rows.length !== 1 || read.rows[0]!.payload !== payload)
            wrong.push(`${payload}: ${JSON.stringify(read.rows)}`);
        }
      } catch (error) {
        errors.push(error);
      } finally {
        client.release();
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
    expect(errors).toEqual([]);
    expect(wrong).toEqual([]);
    const counts = await db.query<{ n: bigint }>("SELECT COUNT(*) AS n FROM items");
    expect(counts[0]?.n).toBe(BigInt(WORKERS * OPS));
    const expectedTotal = Array.from({ length: OPS }, (_, i) => i)
      .filter((i) => i % 5 === 4)
      .reduce((a, b) => a + b, 0);
    const pots = await db.query<{ total: bigint }>("SELECT DISTINCT total FROM pots");
    expect(pots).toEqual([{ total: BigInt(expectedTotal) }]);
  });

  it("Should keep data across a restart on the same data directory", async () => {
    const dataDir = join(root, "restart");
    const first = await startEmbeddedPostgres({ dataDir });
    const db1 = new Database(createPool(first.url, { max: 2 }));
    await migrate(db1.pool, "embedded-test", migrations);
    await db1.close();
    await first.stop();

    const second = await startEmbeddedPostgres({ dataDir });
    const db2 = new Database(createPool(second.url, { max: 2 }));
    expect(await migrate(db2.pool, "embedded-test", migrations)).toEqual([]);
    const rows = await db2.query<{ balance: bigint }>("SELECT balance FROM accounts");
    expect(rows).toEqual([{ balance: 9007199254740993n }]);
    await db2.close();
    await second.stop();
  });

  it("Should refuse a data directory from the old PGlite database with what to do", async () => {
    const dataDir = join(root, "old-pglite");
    await mkdir(dataDir, { recursive: true });
    await writeFile(join(dataDir, "PG_VERSION"), "17\n");
    await expect(startEmbeddedPostgres({ dataDir })).rejects.toThrow(EmbeddedDataDirError);
    await expect(startEmbeddedPostgres({ dataDir })).rejects.toThrow(`rm -rf ${dataDir}`);
  });

  it("Should say which folder keeps the server's user out (as root the server runs as postgres)", async () => {
    const closed = join(root, "closed");
    await mkdir(closed, { mode: 0o700 });
    const starting = startEmbeddedPostgres({ dataDir: join(closed, "pg") });
    if (process.getuid?.() === 0) {
      await expect(starting).rejects.toThrow(EmbeddedDataDirUnreachableError);
      await expect(starting).rejects.toThrow(`chmod o+x ${closed}`);
    } else {
      await (await starting).stop(); // the server runs as this user, who owns the folder
    }
  });
});
