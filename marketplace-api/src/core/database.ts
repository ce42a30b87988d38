import { fileURLToPath } from "node:url";
import { type Database, loadMigrations, migrate } from "@gpuc/platform";

const MIGRATIONS = fileURLToPath(new URL("../../migrations", import.meta.url));

/** Applies the marketplace's migrations (`marketplace-api/migrations/*.sql`); idempotent. */
export async function migrateMarketplace(db: Database): Promise<string[]> {
  return migrate(db.pool, "marketplace", await loadMigrations(MIGRATIONS));
}
