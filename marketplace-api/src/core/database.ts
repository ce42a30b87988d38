import { fileURLToPath } from "node:url";
import { migrateIndex } from "@gpuc/indexer";
import { migrateOnramp } from "@gpuc/onramp";
import { type Database, loadMigrations, migrate } from "@gpuc/platform";
import { migrateRosen } from "@gpuc/rosen-adapter";

const MIGRATIONS = fileURLToPath(new URL("../../migrations", import.meta.url));

/**
 * Applies the chain index's migrations, then the marketplace's own (`marketplace-api/migrations/*.sql`): the
 * marketplace reads its boxes from the index in the same database. Idempotent.
 */
export async function migrateMarketplace(db: Database): Promise<string[]> {
  const index = await migrateIndex(db);
  const own = await migrate(db.pool, "marketplace", await loadMigrations(MIGRATIONS));
  const onramp = await migrateOnramp(db);
  const rosen = await migrateRosen(db);
  return [
    ...index.map((id) => `indexer/${id}`),
    ...own,
    ...onramp.map((id) => `onramp/${id}`),
    ...rosen.map((id) => `rosen/${id}`),
  ];
}
