import { randomBytes } from "node:crypto";
import pg from "pg";

/** The real PostgreSQL server the tests use (started by scripts/services.sh). */
export const TEST_SERVER_URL =
  process.env.GPUC_TEST_DATABASE_URL ?? "postgres://gpuc:gpuc@127.0.0.1:5432/postgres";

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

/**
 * Creates an empty database on the test server, for one test file; migrate it with the component's own
 * migrations. Drop it in `afterAll`.
 *
 * @example
 * let db: TestDatabase;
 * beforeAll(async () => { db = await createTestDatabase("devnet"); });
 * afterAll(() => db.drop());
 */
export async function createTestDatabase(prefix = "gpuc"): Promise<TestDatabase> {
  const name = `test_${prefix.replace(/\W/g, "_")}_${randomBytes(6).toString("hex")}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_SERVER_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
