import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSystemConfig, type RunningSystem, startSystem } from "@gpuc/cli";
import { createLogger } from "@gpuc/platform";
import { createTestDatabase, type TestDatabase } from "@gpuc/platform/testing";

/** A whole system for one test file, on a fresh database of the test PostgreSQL server and free ports. */
export interface TestSystem {
  readonly system: RunningSystem;
  readonly dataDir: string;
  /** Stops every part; `keepData` leaves the data dir for a second start to resume. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

/**
 * Starts the whole system as `npm start` does (devnet, deployment, demo wallets, marketplace, executor), with a
 * short block time so a billing hour passes in seconds.
 *
 * @example
 * const { system, stop } = await startTestSystem({ GPUC_EXECUTOR: "off" });
 */
export async function startTestSystem(
  env: Record<string, string> = {},
  options: { embedded?: boolean; dataDir?: string } = {},
): Promise<TestSystem> {
  // `embedded`: no DATABASE_URL, as `npm start` runs on a fresh clone (the embedded server in <dataDir>/pg).
  const database: TestDatabase | undefined = options.embedded ? undefined : await createTestDatabase("e2e");
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "gpuc-e2e-"));
  // The embedded server runs as the postgres user when root: it must be able to enter the data dir.
  chmodSync(dataDir, 0o755);
  const config = loadSystemConfig({
    GPUC_DATA_DIR: dataDir,
    ...(database ? { DATABASE_URL: database.url } : {}),
    DEVNET_PORT: "0",
    MARKETPLACE_PORT: "0",
    GPUC_HTTP_PORT: "0",
    DEVNET_BLOCK_MS: "500",
    GPUC_BLOCKS_PER_HOUR: "24",
    GPUC_DEMO_FUND_ERG: "200",
    LOG_LEVEL: "warn",
    ...env,
  });
  const system = await startSystem(config, createLogger("gpuc", { level: "warn" }));
  return {
    system,
    dataDir,
    async stop({ keepData = false } = {}) {
      await system.stop();
      await database?.drop();
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
