import { join } from "node:path";
import { loadMigrations, migrate, type Pool } from "@gpuc/platform";

const FOLDER = join(import.meta.dirname, "..", "..", "migrations");

/** Applies the executor's migrations (ledger, and the recording settlement's tables). */
export async function migrateExecutor(pool: Pool): Promise<string[]> {
  return migrate(pool, "executor", await loadMigrations(FOLDER));
}
