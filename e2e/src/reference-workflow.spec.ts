import { createOutput, runReferenceWorkflow, type WorkflowResult } from "@gpuc/cli";
import { GPUC_UNIT } from "@gpuc/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSystem, type TestSystem } from "./system.ts";

describe("the reference workflow on the whole system (devnet, marketplace, executor in Docker)", () => {
  let test: TestSystem;
  let result: WorkflowResult;
  const steps: string[] = [];

  beforeAll(async () => {
    test = await startTestSystem({ GPUC_EXECUTOR: "on" });
    const { system } = test;
    result = await runReferenceWorkflow({
      alice: system.keys.alice,
      bob: system.keys.bob,
      nodeUrl: system.nodeUrl,
      marketplaceUrl: system.marketplaceUrl,
      deployment: system.deployment,
      report: createOutput({ stderr: (text) => steps.push(text) }),
      timeoutMs: 120_000,
    });
  }, 240_000);
  afterAll(() => test?.stop(), 60_000);

  it("Should pay Bob 0.98 GPUC and the treasury 0.02 GPUC for the first billing hour, on chain", () => {
    expect(result.claim).toEqual({ providerNet: 980_000n, treasuryFee: 20_000n });
  });

  it("Should settle the partial hour and refund Alice the rest of the 2 GPUC escrow", () => {
    const { providerNet, treasuryFee, refund } = result.settlement;
    expect(providerNet + treasuryFee + refund).toBe(GPUC_UNIT);
    expect(refund).toBeGreaterThan(0n);
    expect(providerNet + treasuryFee).toBeGreaterThan(0n);
    expect(treasuryFee).toBe(((providerNet + treasuryFee) * 200n) / 10_000n);
  });

  it("Should end the instance Completed with reason user_stopped and the billed seconds", () => {
    expect(result.instance.state).toBe("Completed");
    expect(result.instance.closeReason).toBe("user_stopped");
    expect(result.instance.billedSeconds).toBeGreaterThan(0);
  });

  it("Should deliver the container's own output to Alice with her credential", () => {
    expect(result.logs).toMatch(/hello from Alice's rental, line \d+/);
  });

  it("Should report every step and check", () => {
    expect(steps.filter((line) => line.includes("✓")).length).toBeGreaterThanOrEqual(14);
  });
});
