import { fileURLToPath } from "node:url";
import { type Database, loadMigrations, migrate } from "@gpuc/platform";

const MIGRATIONS = fileURLToPath(new URL("../migrations", import.meta.url));

/** Creates the index's tables (`indexer/migrations/*.sql`) in `db`; idempotent. Run before any part that reads it. */
export async function migrateIndex(db: Database): Promise<string[]> {
  return migrate(db.pool, "indexer", await loadMigrations(MIGRATIONS));
}
