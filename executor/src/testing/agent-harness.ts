import { createLogger, createPool, Database } from "@gpuc/platform";
import { createTestDatabase, type TestDatabase } from "@gpuc/platform/testing";
import { Agent, type AgentOptions } from "../agent/agent.ts";
import { EVERY_PERIOD } from "../billing/claim-policy.ts";
import type { ContainerPolicy } from "../docker/container-spec.ts";
import { ContainerRuntime } from "../docker/containers.ts";
import { ImageStore } from "../docker/images.ts";
import type { GpuProbe } from "../gpu/gpu-probe.ts";
import { NoGpuProbe } from "../gpu/no-gpu.ts";
import { type ProviderSigner, signerFromSecretKey } from "../keys/provider-signer.ts";
import { Ledger } from "../ledger/ledger.ts";
import { migrateExecutor } from "../ledger/migrations.ts";
import { HttpMarketplaceClient } from "../marketplace/http-marketplace-client.ts";
import { ExecutorMetrics } from "../metrics.ts";
import { RecordingSettlement } from "../settlement/recording-settlement.ts";
import type { Settlement } from "../settlement/settlement.ts";
import { removeProviderContainers, testDocker, testProviderId } from "./docker.ts";
import { startTestMarketplace, type TestMarketplace } from "./marketplace-server.ts";

export const TEST_API_KEY = "gpuc_test_provider_key";

/** Everything an executor test needs: two databases (ledger; the recording "chain"), Docker, a marketplace. */
export interface Harness {
  readonly providerId: string;
  readonly signer: ProviderSigner;
  readonly marketplace: TestMarketplace;
  readonly runtime: ContainerRuntime;
  readonly ledgerDbUrl: string;
  readonly chainDb: Database;
  readonly settlement: RecordingSettlement;
  /** A new agent with its own pool on the ledger database, as a restarted executor would be. */
  newAgent(
    overrides?: Partial<AgentOptions> & { probe?: GpuProbe; ledgerDbUrl?: string; settlement?: Settlement },
  ): Promise<AgentHandle>;
  /** Ticks `agent` until `done()` holds or the timeout passes. */
  tickUntil(agent: Agent, done: () => Promise<boolean>, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface AgentHandle {
  readonly agent: Agent;
  readonly ledger: Ledger;
  readonly metrics: ExecutorMetrics;
  readonly db: Database;
  /** Kills the agent object (loops stopped, pool closed); its containers keep running. */
  kill(): Promise<void>;
}

export const TEST_POLICY = (providerId: string): ContainerPolicy => ({
  providerId,
  portNetwork: "gpuc-test-rentals",
  hostIp: "127.0.0.1",
  tmpfsMb: 16,
  stopGraceSeconds: 1,
  diskQuota: false,
});

/** The provider key every harness signs with (test material), for tests that settle on chain with it too. */
export const HARNESS_PROVIDER_SECRET = "7".repeat(64);

export async function startHarness(name: string): Promise<Harness> {
  const providerId = testProviderId();
  const signer = signerFromSecretKey(HARNESS_PROVIDER_SECRET, "testnet");
  const ledgerTestDb = await createTestDatabase(`executor_${name}`);
  const chainTestDb = await createTestDatabase(`executor_${name}_chain`);
  const dbs: TestDatabase[] = [ledgerTestDb, chainTestDb];
  const chainDb = new Database(createPool(chainTestDb.url, { max: 4 }));
  await migrateExecutor(chainDb.pool);
  const setup = new Database(createPool(ledgerTestDb.url, { max: 1 }));
  await migrateExecutor(setup.pool);
  await setup.close();
  const marketplace = await startTestMarketplace({
    providerId,
    apiKey: TEST_API_KEY,
    providerAddress: signer.address,
  });
  const docker = testDocker();
  const runtime = new ContainerRuntime(docker);
  const settlement = new RecordingSettlement(chainDb);
  const handles: AgentHandle[] = [];

  const newAgent: Harness["newAgent"] = async (overrides = {}) => {
    const url = overrides.ledgerDbUrl ?? ledgerTestDb.url;
    if (overrides.ledgerDbUrl) {
      const fresh = new Database(createPool(url, { max: 1 }));
      await migrateExecutor(fresh.pool);
      await fresh.close();
    }
    const db = new Database(createPool(url, { max: 4 }));
    const ledger = new Ledger(db);
    const metrics = new ExecutorMetrics();
    const log = createLogger("executor.test");
    const options: AgentOptions = {
      periodSeconds: 2,
      stopGraceSeconds: 1,
      tickMs: 60_000,
      heartbeatMs: 60_000,
      pollMs: 0,
      claimStaleSeconds: 30,
      settlementRetryMs: 0,
      claimPolicy: EVERY_PERIOD,
      retainEndedSeconds: 3600,
      portAllowed: () => true,
      ...overrides,
    };
    const agent = new Agent({
      providerId,
      ledger,
      runtime,
      images: new ImageStore(docker, log),
      settlement: overrides.settlement ?? settlement,
      marketplace: new HttpMarketplaceClient({ baseUrl: marketplace.url, providerId, apiKey: TEST_API_KEY }),
      probe: overrides.probe ?? new NoGpuProbe(),
      signer,
      metrics,
      log,
      policy: TEST_POLICY(providerId),
      options,
    });
    let killed = false;
    const handle: AgentHandle = {
      agent,
      ledger,
      metrics,
      db,
      kill: async () => {
        if (killed) return;
        killed = true;
        await agent.shutdown();
        await db.close();
      },
    };
    handles.push(handle);
    return handle;
  };

  return {
    providerId,
    signer,
    marketplace,
    runtime,
    ledgerDbUrl: ledgerTestDb.url,
    chainDb,
    settlement,
    newAgent,
    async tickUntil(agent, done, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!(await done())) {
        if (Date.now() > deadline) throw new Error(`condition not reached within ${timeoutMs} ms`);
        await agent.tick();
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    async close() {
      for (const handle of handles) await handle.kill();
      await removeProviderContainers(docker, providerId);
      await marketplace.close();
      await chainDb.close();
      for (const db of dbs) await db.drop();
    },
  };
}

/** Creates an extra empty database (dropped by the caller). */
export const extraDatabase = (name: string) => createTestDatabase(`executor_${name}`);
