import { createOutput, NoExecutorError, runReferenceWorkflow } from "@gpuc/cli";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSystem, type TestSystem } from "./system.ts";

// The quick start as a fresh clone runs it: no DATABASE_URL (the embedded PostgreSQL server in <data>/pg).
describe("the quick start on the embedded database", () => {
  let first: TestSystem | undefined;
  let second: TestSystem | undefined;
  afterAll(async () => {
    await first?.stop().catch(() => undefined);
    await second?.stop();
  }, 60_000);

  let height = 0;
  let gpucTokenId = "";
  beforeAll(async () => {
    first = await startTestSystem({ GPUC_EXECUTOR: "off" }, { embedded: true });
    height = await first.system.chain.height();
    gpucTokenId = first.system.deployment.gpucTokenId;
  }, 180_000);

  it("Should say why there is no executor and rent nothing in the demo, failing fast with what to do", async () => {
    const { system } = first!;
    expect(system.executor).toBeUndefined();
    expect(system.executorOff).toBe("GPUC_EXECUTOR=off");
    const started = Date.now();
    const steps: string[] = [];
    const demo = runReferenceWorkflow({
      alice: system.keys.alice,
      bob: system.keys.bob,
      nodeUrl: system.nodeUrl,
      marketplaceUrl: system.marketplaceUrl,
      deployment: system.deployment,
      report: createOutput({ stderr: (text) => steps.push(text) }),
      timeoutMs: 120_000,
      executorTimeoutMs: 5_000,
    });
    await expect(demo).rejects.toThrow(NoExecutorError);
    await expect(demo).rejects.toThrow("bash scripts/services.sh docker");
    expect(Date.now() - started).toBeLessThan(100_000);
    // Nothing was rented: no escrow sits unserved.
    const rentals = await system.marketplace.services.instancesRepo.listByConsumer(
      system.keys.alice.address,
      undefined,
      1,
      10,
    );
    expect(rentals.total).toBe(0);
  }, 150_000);

  it("Should resume on a second start over the same data dir: same deployment, the chain and its index kept", async () => {
    const dataDir = first!.dataDir;
    await first!.stop({ keepData: true });
    first = undefined;
    second = await startTestSystem({ GPUC_EXECUTOR: "off" }, { embedded: true, dataDir });
    expect(second.system.deployment.gpucTokenId).toBe(gpucTokenId);
    expect(await second.system.chain.height()).toBeGreaterThanOrEqual(height);
    // Bob's provider record from the demo's step 2 is still there.
    const providers = await second.system.marketplace.services.providersRepo.all();
    expect(providers.map((provider) => provider.owner_address)).toContain(second.system.keys.bob.address);
  }, 180_000);
});
