import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../src/testing/agent-harness.ts";
import { TEST_IMAGE } from "../src/testing/docker.ts";
import { testRental } from "../src/testing/rentals.ts";

const run = promisify(execFile);
const suffix = Date.now();
/** The test image with a `VOLUME /data`: Docker would back it with an anonymous volume on the host disk. */
const VOLUME_IMAGE = `gpuc/busybox:volume-${suffix}`;
/** The test image declaring it needs a writable root filesystem. */
const WRITABLE_IMAGE = `gpuc/busybox:writable-${suffix}`;

async function derive(tag: string, change: string): Promise<void> {
  const { stdout } = await run("docker", ["create", TEST_IMAGE, "true"]);
  const id = stdout.trim();
  await run("docker", ["commit", "--change", change, id, tag]);
  await run("docker", ["rm", id]);
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness("disk_policy");
  await derive(VOLUME_IMAGE, "VOLUME /data");
  await derive(WRITABLE_IMAGE, "LABEL gpuc.rootfs=writable");
});
afterAll(async () => {
  await h.close();
  await run("docker", ["rmi", VOLUME_IMAGE, WRITABLE_IMAGE]).catch(() => undefined);
});

describe("A rental's writes stay off the provider's disk", () => {
  it("Should mount a size-capped tmpfs over an image VOLUME instead of a volume on the host disk", async () => {
    const { agent, ledger } = await h.newAgent();
    const rental = testRental({ image: VOLUME_IMAGE, cmd: ["sleep", "3600"], hours: 3 });
    h.marketplace.rentals.set(rental.id, rental);
    await h.tickUntil(agent, async () => (await ledger.get(rental.id))?.state === "Running");
    const containerId = (await ledger.get(rental.id))!.containerId!;

    const info = await h.runtime.inspect(containerId);
    expect(info?.Mounts.filter((mount) => mount.Type === "volume")).toEqual([]);
    expect(info?.HostConfig.Tmpfs).toHaveProperty("/data");
    expect(info?.HostConfig.ReadonlyRootfs).toBe(true);
    // The review wrote 20 MB through the volume onto the host disk; the tmpfs is smaller than that.
    const fill = await h.runtime.exec(
      containerId,
      ["dd", "if=/dev/zero", "of=/data/fill", "bs=1M", "count=20"],
      {
        timeoutMs: 10_000,
        maxBytes: 4096,
      },
    );
    expect(fill.exitCode).not.toBe(0);
    expect(fill.stderr).toMatch(/No space left on device/);

    await agent.requestStop(rental.id, "user_stopped");
    await h.tickUntil(agent, async () => (await ledger.get(rental.id))?.state === "Completed");
  });

  it("Should refuse an image that needs a writable root filesystem when disk quotas are off", async () => {
    const { agent, ledger } = await h.newAgent();
    const rental = testRental({ image: WRITABLE_IMAGE });
    h.marketplace.rentals.set(rental.id, rental);
    await h.tickUntil(agent, async () => (await ledger.get(rental.id))?.state === "Failed");
    const row = await ledger.get(rental.id);
    expect(row?.containerId).toBeNull();
    expect(row?.stopReason).toBe("provider_rejected");
    expect(row?.detail).toMatch(/GPUC_DISK_QUOTA/);
  });
});
