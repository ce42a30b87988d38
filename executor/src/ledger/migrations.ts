import { fileURLToPath } from "node:url";
import { loadMigrations, migrate, type Pool } from "@gpuc/platform";

// From import.meta.url (which a bundle points at this file), not import.meta.dirname (which it cannot).
const FOLDER = fileURLToPath(new URL("../../migrations", import.meta.url));

/** Applies the executor's migrations (ledger, and the recording settlement's tables). */
export async function migrateExecutor(pool: Pool): Promise<string[]> {
  return migrate(pool, "executor", await loadMigrations(FOLDER));
}
