import type { AddressInfo } from "node:net";
import { createLogger, createPool, Database } from "@gpuc/platform";
import { createTestDatabase, type TestDatabase } from "@gpuc/platform/testing";
import type { InstanceEvent, Rental } from "@gpuc/sdk";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent } from "../src/agent/agent.ts";
import { EVERY_PERIOD } from "../src/billing/claim-policy.ts";
import { ContainerRuntime } from "../src/docker/containers.ts";
import { ImageStore } from "../src/docker/images.ts";
import { NoGpuProbe } from "../src/gpu/no-gpu.ts";
import { signerFromSecretKey } from "../src/keys/provider-signer.ts";
import { Ledger } from "../src/ledger/ledger.ts";
import { migrateExecutor } from "../src/ledger/migrations.ts";
import { HttpMarketplaceClient } from "../src/marketplace/http-marketplace-client.ts";
import { ExecutorMetrics } from "../src/metrics.ts";
import { RecordingSettlement } from "../src/settlement/recording-settlement.ts";
import { TEST_POLICY } from "../src/testing/agent-harness.ts";
import { removeProviderContainers, testDocker, testProviderId } from "../src/testing/docker.ts";
import { heartbeatReceipt, instanceReply } from "../src/testing/marketplace-replies.ts";
import { testRental } from "../src/testing/rentals.ts";

const API_KEY = "gpuc_outbox_test_key";

/** How the in-test marketplace answers one event: undefined accepts it. */
type Answer = (instanceId: string, event: InstanceEvent) => number | undefined;

/**
 * A real HTTP marketplace with the provider API's shape whose answer to each event the test decides, with the
 * marketplace's problem+json bodies; `received` keeps every event it accepted, in order.
 */
async function startRefusingMarketplace(providerId: string) {
  const state = {
    rentals: new Map<string, Rental>(),
    received: [] as { instanceId: string; event: InstanceEvent }[],
    answer: (() => undefined) as Answer,
  };
  const app = express();
  app.use(express.json());
  app.post(`/api/v1/providers/${providerId}/heartbeats`, (_req, res) => void res.json(heartbeatReceipt()));
  app.get(`/api/v1/providers/${providerId}/instances`, (req, res) => {
    const wanted = String(req.query.state ?? "").split(",");
    res.json({ items: [...state.rentals.values()].filter((rental) => wanted.includes(rental.state)) });
  });
  app.post("/api/v1/instances/:id/events", (req, res) => {
    const event = req.body as InstanceEvent;
    const status = state.answer(req.params.id, event);
    if (status) {
      const rental = state.rentals.get(req.params.id);
      res.status(status).type("application/problem+json");
      return void res.send(
        JSON.stringify({
          status,
          title: "Refused",
          detail: `${rental?.state} cannot move to ${event.state}`,
        }),
      );
    }
    state.received.push({ instanceId: req.params.id, event });
    const rental = state.rentals.get(req.params.id) ?? testRental({ id: req.params.id });
    res.json(instanceReply(rental, event.state));
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

const providerId = testProviderId();
const docker = testDocker();
const logLines: Record<string, unknown>[] = [];
let market: Awaited<ReturnType<typeof startRefusingMarketplace>>;
let dbs: TestDatabase[];
let ledgerDb: Database;
let chainDb: Database;
let ledger: Ledger;
let agent: Agent;

beforeAll(async () => {
  dbs = [await createTestDatabase("executor_outbox"), await createTestDatabase("executor_outbox_chain")];
  ledgerDb = new Database(createPool(dbs[0]!.url, { max: 4 }));
  chainDb = new Database(createPool(dbs[1]!.url, { max: 2 }));
  await migrateExecutor(ledgerDb.pool);
  await migrateExecutor(chainDb.pool);
  market = await startRefusingMarketplace(providerId);
  ledger = new Ledger(ledgerDb);
  const log = createLogger("executor.test", { write: (line) => logLines.push(JSON.parse(line)) });
  agent = new Agent({
    providerId,
    ledger,
    runtime: new ContainerRuntime(docker),
    images: new ImageStore(docker, log),
    settlement: new RecordingSettlement(chainDb),
    marketplace: new HttpMarketplaceClient({ baseUrl: market.url, providerId, apiKey: API_KEY }),
    probe: new NoGpuProbe(),
    signer: signerFromSecretKey("7".repeat(64), "testnet"),
    metrics: new ExecutorMetrics(),
    log,
    policy: TEST_POLICY(providerId),
    options: {
      periodSeconds: 60,
      stopGraceSeconds: 1,
      tickMs: 60_000,
      heartbeatMs: 60_000,
      pollMs: 0,
      claimStaleSeconds: 30,
      settlementRetryMs: 0,
      claimPolicy: EVERY_PERIOD,
      retainEndedSeconds: 3600,
      portAllowed: () => true,
    },
  });
});

afterAll(async () => {
  await agent?.shutdown();
  await removeProviderContainers(docker, providerId);
  await market?.close();
  await ledgerDb?.close();
  await chainDb?.close();
  for (const db of dbs ?? []) await db.drop();
});

async function tickUntil(done: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`condition not reached within ${timeoutMs} ms`);
    await agent.tick();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Runs a new rental until Running, then "the consumer stops it through the marketplace". */
async function runThenStopThroughMarketplace(): Promise<Rental> {
  const rental = testRental({ hours: 1 });
  market.rentals.set(rental.id, rental);
  await tickUntil(async () => (await ledger.get(rental.id))?.state === "Running");
  market.rentals.set(rental.id, { ...rental, state: "Stopping" });
  return rental;
}

const statesReceived = (instanceId: string) =>
  market.received.filter((entry) => entry.instanceId === instanceId).map((entry) => entry.event.state);

const unsent = async () => (await ledger.unsentEvents()).length;

describe("The executor's ordered event outbox", () => {
  it("Should count a permanently refused event as delivered, log it, and deliver the events after it", async () => {
    market.answer = (_id, event) => (event.state === "Stopping" ? 409 : undefined);
    const rental = await runThenStopThroughMarketplace();
    await tickUntil(
      async () => (await ledger.get(rental.id))?.state === "Completed" && (await unsent()) === 0,
    );

    expect(statesReceived(rental.id)).toEqual(["Starting", "Running", "Completed"]);
    const rejected = logLines.filter((line) => line.event === "EVENT_REJECTED");
    expect(rejected).toEqual([
      expect.objectContaining({
        instanceId: rental.id,
        state: "Stopping",
        status: 409,
        detail: "Stopping cannot move to Stopping",
      }),
    ]);
  });

  it("Should keep retrying an event the marketplace refuses for now (503, 429, 408, 401), holding the later ones back in order", async () => {
    const transient = [503, 429, 408, 401];
    let refusals = 0;
    let outage = true;
    market.answer = (_id, event) =>
      outage && event.state === "Stopping" ? transient[refusals++ % transient.length] : undefined;
    const rental = await runThenStopThroughMarketplace();
    await tickUntil(async () => (await ledger.get(rental.id))?.state === "Completed" && refusals >= 8);
    await agent.tick(); // Completed is in the outbox now, behind the refused Stopping
    expect(statesReceived(rental.id)).toEqual(["Starting", "Running"]);

    outage = false;
    await tickUntil(async () => (await unsent()) === 0);
    expect(statesReceived(rental.id)).toEqual(["Starting", "Running", "Stopping", "Completed"]);
    expect(logLines.filter((line) => line.event === "EVENT_REJECTED")).toHaveLength(1); // the first test's only
  });
});
