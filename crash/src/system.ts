import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { type Gpuc, loadSystemConfig, type RunningSystem, startSystem } from "@gpuc/cli";
import type { Devnet } from "@gpuc/devnet";
import { createLogger } from "@gpuc/platform";
import { createTestDatabase, type TestDatabase } from "@gpuc/platform/testing";
import { type PartRuntime, partEntry } from "./bundle.ts";
import { ChildPart } from "./child-part.ts";
import { freePort, fundConsumers, listOffers, mnemonicOf, session } from "./world.ts";

const execFileAsync = promisify(execFile);

export { partEntry } from "./bundle.ts";

/** Half-second blocks, 24 blocks an hour: a billing hour passes in 12 s. */
export const BLOCK_MS = 500;
const BLOCKS_PER_HOUR = 24;
export const PERIOD_SECONDS = (BLOCK_MS * BLOCKS_PER_HOUR) / 1000;
/** Heartbeats every 2 s; rentals of a provider silent for 12 of them (24 s) are closed provider_down. */
const HEARTBEAT_S = 2;
const PROVIDER_DOWN_AFTER = 12;
export const PROVIDER_DOWN_MS = HEARTBEAT_S * PROVIDER_DOWN_AFTER * 1000;

/** The system of the crash test: the devnet here, the marketplace and the executor as child processes. */
export interface CrashSystem {
  readonly system: RunningSystem;
  readonly devnet: Devnet;
  readonly marketplace: ChildPart;
  readonly executor: ChildPart;
  readonly consumers: Gpuc[];
  readonly providerId: string;
  readonly dataDir: string;
  /** Where the marketplace process serves (the same port across its restarts). */
  readonly marketplaceUrl: string;
  /** The database every part shares (the executor's ledger included). */
  readonly databaseUrl: string;
  /** The provider-scoped API key the executor runs with. */
  readonly providerApiKey: string;
  stop(): Promise<void>;
}

/**
 * Deploys the protocol on a fresh devnet as `npm start` does (its own marketplace run once, then stopped), funds
 * the consumers, registers the provider with `gpus` offers, and prepares the marketplace and executor as separate
 * processes on the same database, data dir and ports (not started: the test's keepers start them).
 */
export async function prepareCrashSystem(options: {
  consumers: number;
  gpus: number;
  /** GPUC units each consumer draws (default 25 GPUC: 25 one-hour rentals of a crash offer). */
  consumerGpuc?: bigint;
  /** Environment changes for the part processes; `undefined` removes a variable (the part's default then holds). */
  env?: { marketplace?: EnvOverrides; executor?: EnvOverrides };
  /** How the part processes run (default tsx; the footprint bench runs them bundled, as a deployment does). */
  runtime?: PartRuntime;
}): Promise<CrashSystem> {
  const database = await createTestDatabase("crash");
  const dataDir = mkdtempSync(join(tmpdir(), "gpuc-crash-"));
  chmodSync(dataDir, 0o755);
  const system = await startSystem(
    loadSystemConfig({
      GPUC_DATA_DIR: dataDir,
      DATABASE_URL: database.url,
      DEVNET_PORT: "0",
      MARKETPLACE_PORT: "0",
      DEVNET_BLOCK_MS: String(BLOCK_MS),
      GPUC_BLOCKS_PER_HOUR: String(BLOCKS_PER_HOUR),
      // Enough for the provider to stake for every offer (10 ERG a GPU, plus fees) beside the consumers' faucet.
      GPUC_DEMO_FUND_ERG: String(Math.max(200, options.gpus * 10 + 20)),
      GPUC_EXECUTOR: "off",
    }),
    createLogger("gpuc", { level: "warn" }),
  );
  // The in-process marketplace did the first start (migrations, indexer cursor); from now on it is a process.
  await system.marketplace.stop();
  const devnet = system.devnet!;
  const port = await freePort();
  const marketplaceUrl = `http://127.0.0.1:${port}`;
  const marketplace = new ChildPart({
    name: "marketplace",
    entry: partEntry("marketplace"),
    runtime: options.runtime,
    logFile: join(dataDir, "marketplace.log"),
    env: withOverrides(marketplaceEnv(system, database, port, dataDir), options.env?.marketplace),
  });
  await marketplace.start();
  const ctx = (wallet: Parameters<typeof session>[0]) =>
    session(wallet, system.nodeUrl, marketplaceUrl, system.deployment);
  const bob = ctx(system.keys.bob);
  const providerId = await listOffers(bob, options.gpus, 10_000_000_000n);
  const { key } = await bob.market.createApiKey({ name: "crash-executor", scopes: ["provider"] });
  const consumers = await fundConsumers({
    devnet,
    dataDir,
    count: options.consumers,
    gpuc: options.consumerGpuc ?? 25_000_000n,
    ctx,
  });
  await marketplace.stop();
  mkdirSync(join(dataDir, "executor"), { recursive: true });
  const executor = new ChildPart({
    name: "executor",
    entry: partEntry("executor"),
    runtime: options.runtime,
    logFile: join(dataDir, "executor.log"),
    env: withOverrides(
      executorEnv(system, database, {
        marketplaceUrl,
        providerId,
        apiKey: key,
        port: await freePort(),
        dataDir,
      }),
      options.env?.executor,
    ),
  });
  return {
    system,
    devnet,
    marketplace,
    executor,
    consumers,
    providerId,
    dataDir,
    marketplaceUrl,
    databaseUrl: database.url,
    providerApiKey: key,
    async stop() {
      await Promise.all([marketplace.stop(), executor.stop()]);
      marketplace.close();
      executor.close();
      await removeContainers(providerId);
      await devnet.stop();
      await database.drop();
      if (!process.env.GPUC_CRASH_KEEP_DATA) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type EnvOverrides = Readonly<Record<string, string | undefined>>;

function withOverrides(env: Record<string, string>, overrides: EnvOverrides = {}): Record<string, string> {
  const merged: Record<string, string | undefined> = { ...env, ...overrides };
  return Object.fromEntries(
    Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

export function marketplaceEnv(
  system: RunningSystem,
  database: TestDatabase,
  port: number,
  dataDir: string,
): Record<string, string> {
  return {
    DATABASE_URL: database.url,
    ERGO_NODE_URL: system.nodeUrl,
    GPUC_DEPLOYMENT_FILE: system.deploymentFile,
    MARKETPLACE_HOST: "127.0.0.1",
    MARKETPLACE_PORT: String(port),
    ARBITER_SECRET_HEX: system.keys.arbiterSecretHex,
    MARKETPLACE_JWT_PRIVATE_KEY_FILE: join(dataDir, "keys", "marketplace-jwt.pem"),
    BILLING_HOUR_S: String(PERIOD_SECONDS),
    ESCROW_START_SLACK_BLOCKS: String(Math.ceil(1_800_000 / BLOCK_MS)),
    HEARTBEAT_REQUIRE_PROVIDER_ID: "true",
    HEARTBEAT_INTERVAL_S: String(HEARTBEAT_S),
    HEARTBEAT_OFFLINE_AFTER: "6",
    HEARTBEAT_PROVIDER_DOWN_AFTER: String(PROVIDER_DOWN_AFTER),
    MAX_UNFUNDED_RENTALS: "10",
    MARKETPLACE_AUTH_RATE_LIMIT: "100000",
    INDEXER_POLL_MS: "250",
  };
}

/** An executor's environment on the crash system (the provider's key is Bob's; another provider overrides it). */
export function executorEnv(
  system: RunningSystem,
  database: TestDatabase,
  o: { marketplaceUrl: string; providerId: string; apiKey: string; port: number; dataDir: string },
): Record<string, string> {
  return {
    DATABASE_URL: database.url,
    ERGO_NODE_URL: system.nodeUrl,
    GPUC_DEPLOYMENT_FILE: system.deploymentFile,
    GPUC_MARKETPLACE_URL: o.marketplaceUrl,
    GPUC_PROVIDER_ID: o.providerId,
    GPUC_API_KEY: o.apiKey,
    GPUC_PROVIDER_MNEMONIC: mnemonicOf(system.keys.bob),
    GPUC_DATA_DIR: join(o.dataDir, "executor"),
    GPUC_HTTP_HOST: "127.0.0.1",
    GPUC_HTTP_PORT: String(o.port),
    GPUC_GPUS: "none",
    GPUC_GPU_PINS: "ignore",
    GPUC_SETTLEMENT: "chain",
    GPUC_BILLING_PERIOD_SECONDS: String(PERIOD_SECONDS),
    GPUC_ESCROW_START_SLACK_BLOCKS: String(Math.ceil(1_800_000 / BLOCK_MS)),
    GPUC_TICK_SECONDS: "1",
    GPUC_POLL_SECONDS: "1",
    GPUC_HEARTBEAT_SECONDS: String(HEARTBEAT_S),
    GPUC_SETTLEMENT_RETRY_SECONDS: "2",
    GPUC_STOP_GRACE_SECONDS: "1",
    GPUC_CLAIM_STALE_SECONDS: String(PERIOD_SECONDS * 3),
    // Short test hours: each period is claimed as it elapses, as the specs of hourly settlement expect.
    GPUC_CLAIM_AFTER_PERIODS: "1",
    GPUC_CLAIM_LAST_PERIOD: "true",
  };
}

/** The rental containers the executor left (it keeps them across its own restarts by design). */
export async function removeContainers(providerId: string): Promise<void> {
  const { stdout } = await execFileAsync("docker", [
    "ps",
    "-aq",
    "--filter",
    `label=gpuc.provider=${providerId}`,
  ]);
  const ids = stdout.split("\n").filter(Boolean);
  if (ids.length) await execFileAsync("docker", ["rm", "-f", ...ids]);
}
