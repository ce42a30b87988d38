import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Pool } from "./pool.ts";

export interface Migration {
  id: string;
  sql: string;
}

/** Reads `NNN_name.sql` files from a folder, in name order. */
export async function loadMigrations(folder: string): Promise<Migration[]> {
  const files = (await readdir(folder)).filter((file) => file.endsWith(".sql")).sort();
  return Promise.all(
    files.map(async (file) => ({ id: file, sql: await readFile(join(folder, file), "utf8") })),
  );
}

/**
 * Applies the migrations of one component that are not yet applied, each in its own transaction.
 * An advisory lock makes concurrent starts of the same component safe.
 */
export async function migrate(
  pool: Pool,
  component: string,
  migrations: readonly Migration[],
): Promise<string[]> {
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock(hashtext($1))", [component]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         component TEXT NOT NULL, id TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
         PRIMARY KEY (component, id))`,
    );
    const { rows } = await client.query<{ id: string }>(
      "SELECT id FROM schema_migrations WHERE component = $1",
      [component],
    );
    const applied = new Set(rows.map((row) => row.id));
    const pending = migrations.filter((migration) => !applied.has(migration.id));
    for (const migration of pending) {
      await client.query("BEGIN");
      try {
        await client.query(migration.sql);
        await client.query("INSERT INTO schema_migrations (component, id) VALUES ($1, $2)", [
          component,
          migration.id,
        ]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`Migration ${component}/${migration.id} failed: ${(error as Error).message}`);
      }
    }
    return pending.map((migration) => migration.id);
  } finally {
    await client.query("SELECT pg_advisory_unlock(hashtext($1))", [component]).catch(() => undefined);
    client.release();
  }
}
