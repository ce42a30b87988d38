import { ConfigError } from "@gpuc/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadExecutorConfig } from "../src/config.ts";
import { type Harness, startHarness } from "../src/testing/agent-harness.ts";
import { testRental } from "../src/testing/rentals.ts";

const PINNED = ["GPU-3b1f0c6e-9d2a-4c71-b0f4-2a8e5d7c9e11"];
const base = {
  GPUC_PROVIDER_ID: "prov-1",
  GPUC_API_KEY: "gpuc_key",
  GPUC_PROVIDER_SECRET_KEY: "1".repeat(64),
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness("gpu_pins");
});
afterAll(() => h.close());

describe("GPUC_GPU_PINS", () => {
  it("Should enforce pins by default, accept ignore, and refuse anything else", () => {
    expect(loadExecutorConfig(base).env.GPUC_GPU_PINS).toBe("enforce");
    expect(loadExecutorConfig({ ...base, GPUC_GPU_PINS: "ignore" }).env.GPUC_GPU_PINS).toBe("ignore");
    expect(() => loadExecutorConfig({ ...base, GPUC_GPU_PINS: "off" })).toThrow(ConfigError);
  });

  it("Should run a rental pinning a GPU this machine lacks without GPUs when pins are ignored", async () => {
    const { agent, ledger } = await h.newAgent({ gpuPins: "ignore" });
    const rental = testRental({ gpuIds: PINNED, hours: 3 });
    h.marketplace.rentals.set(rental.id, rental);
    await h.tickUntil(agent, async () => (await ledger.get(rental.id))?.state === "Running");

    const row = await ledger.get(rental.id);
    expect(row?.rental.gpuIds).toEqual([]);
    const info = await h.runtime.inspect(row!.containerId!);
    expect(info?.HostConfig.DeviceRequests ?? []).toEqual([]);

    await agent.requestStop(rental.id, "user_stopped");
    await h.tickUntil(agent, async () => (await ledger.get(rental.id))?.state === "Completed");
  });

  it("Should still refuse the same rental when pins are enforced", async () => {
    const { agent, ledger } = await h.newAgent({ gpuPins: "enforce" });
    const rental = testRental({ gpuIds: PINNED });
    h.marketplace.rentals.set(rental.id, rental);
    await h.tickUntil(agent, async () => (await ledger.get(rental.id))?.state === "Failed");
    const row = await ledger.get(rental.id);
    expect(row?.containerId).toBeNull();
    expect(row?.detail).toMatch(/not on this executor/);
  });
});
