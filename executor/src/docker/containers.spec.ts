import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createLogger } from "@gpuc/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeProviderContainers, TEST_IMAGE, testDocker, testProviderId } from "../testing/docker.ts";
import { testRental } from "../testing/rentals.ts";
import { type ContainerPolicy, containerCreateOptions } from "./container-spec.ts";
import { ContainerRuntime } from "./containers.ts";
import { ImageRegistryRefusedError, ImageUnavailableError } from "./errors.ts";
import { ImageStore, imageTarName } from "./images.ts";

const run = promisify(execFile);
const docker = testDocker();
const runtime = new ContainerRuntime(docker);
const providerId = testProviderId();
const policy: ContainerPolicy = {
  providerId,
  portNetwork: "bridge",
  hostIp: "127.0.0.1",
  tmpfsMb: 16,
  stopGraceSeconds: 1,
  diskQuota: false,
};

async function startRental(cmd: string[]) {
  const rental = testRental({ cmd });
  const id = await runtime.create(containerCreateOptions({ rental, policy, readOnlyRootfs: true }));
  await runtime.start(id);
  return { rental, id };
}

describe("ContainerRuntime on the real Docker engine", () => {
  afterAll(() => removeProviderContainers(docker, providerId));

  it("Should run the rental isolated, as docker inspect shows", async () => {
    const { id, rental } = await startRental(["sleep", "60"]);
    const info = await runtime.inspect(id);
    expect(info?.State.Running).toBe(true);
    expect(info?.HostConfig).toMatchObject({
      Privileged: false,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      ReadonlyRootfs: true,
      NetworkMode: "none",
      PidsLimit: 64,
      Memory: 64 * 1024 * 1024,
      NanoCpus: 500_000_000,
      Tmpfs: { "/tmp": "rw,nosuid,nodev,size=16m" },
    });
    expect(info?.Config.Labels).toMatchObject({ "gpuc.instance": rental.id, "gpuc.provider": providerId });
  });

  it("Should run exec'd commands without capabilities, unable to write the root fs, able to write /tmp", async () => {
    const { id } = await startRental(["sleep", "60"]);
    const caps = await runtime.exec(
      id,
      ["sh", "-c", "grep -E 'CapEff|CapBnd|NoNewPrivs' /proc/self/status"],
      {
        timeoutMs: 10_000,
        maxBytes: 4096,
      },
    );
    expect(caps.exitCode).toBe(0);
    expect(caps.stdout).toMatch(/CapEff:\s+0000000000000000/);
    expect(caps.stdout).toMatch(/CapBnd:\s+0000000000000000/);
    expect(caps.stdout).toMatch(/NoNewPrivs:\s+1/);
    const write = await runtime.exec(id, ["sh", "-c", "echo x > /tmp/ok && echo x > /etc/nope"], {
      timeoutMs: 10_000,
      maxBytes: 4096,
    });
    expect(write.exitCode).not.toBe(0);
    expect(write.stderr).toMatch(/Read-only file system/);
  });

  it("Should report a timed-out exec without an exit code and cap its output", async () => {
    const { id } = await startRental(["sleep", "60"]);
    const slow = await runtime.exec(id, ["sleep", "30"], { timeoutMs: 300, maxBytes: 16 });
    expect(slow).toMatchObject({ timedOut: true, exitCode: null });
    const loud = await runtime.exec(id, ["sh", "-c", "seq 1 1000"], { timeoutMs: 10_000, maxBytes: 16 });
    expect(loud).toMatchObject({ exitCode: 0, truncated: true });
    expect(loud.stdout).toHaveLength(16);
  });

  it("Should stream stdout and stderr as logs, and follow new lines", async () => {
    const { id } = await startRental([
      "sh",
      "-c",
      "echo out-1; echo err-1 >&2; sleep 1; echo out-2; sleep 60",
    ]);
    const followed = await runtime.logs(id, { follow: true });
    const chunks: string[] = [];
    followed.stream.on("data", (chunk: Buffer) => chunks.push(chunk.toString()));
    await expect.poll(() => chunks.join(""), { timeout: 10_000 }).toContain("out-2");
    followed.close();
    expect(chunks.join("")).toContain("err-1");
    const tail = await runtime.logs(id, { follow: false, tail: 1 });
    let text = "";
    for await (const chunk of tail.stream) text += chunk.toString();
    expect(text).toBe("out-2\n");
  });

  it("Should stream a 20,000-line log without tail, read as a stream, in order", async () => {
    const { id } = await startRental(["sh", "-c", "seq 1 20000; echo done; sleep 60"]);
    const lastLine = async () => {
      const logs = await runtime.logs(id, { follow: false, tail: 1 });
      let text = "";
      for await (const chunk of logs.stream) text += chunk.toString();
      return text;
    };
    await expect.poll(lastLine, { timeout: 20_000 }).toBe("done\n");
    const logs = await runtime.logs(id, { follow: false });
    let text = "";
    for await (const chunk of logs.stream) text += chunk.toString();
    const lines = text.trimEnd().split("\n");
    expect(lines).toHaveLength(20_001);
    expect(lines[0]).toBe("1");
    expect(lines[19_999]).toBe("20000");
    expect(logs.bytesRead).toBeGreaterThan(text.length); // the frame headers
  });

  it("Should stop reading a followed log from Docker while nobody reads it", async () => {
    const { id } = await startRental(["yes", "a chatty rental"]);
    const logs = await runtime.logs(id, { follow: true, tail: 0 });
    try {
      await expect.poll(() => logs.bytesRead, { timeout: 10_000 }).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const paused = logs.bytesRead;
      await new Promise((resolve) => setTimeout(resolve, 1500));
      // docker-modem's demuxStream wrote on regardless: megabytes per second piled up in the executor.
      expect(logs.bytesRead).toBe(paused);
      expect(paused).toBeLessThan(1024 * 1024);
      let text = "";
      for await (const chunk of logs.stream) {
        text += chunk.toString();
        if (text.length > 64 * 1024) break;
      }
      expect(text).toMatch(/^(a chatty rental\n)+/);
    } finally {
      logs.close();
      await runtime.remove(id);
    }
  });

  it("Should stop with SIGTERM and kill after the grace period when the workload ignores SIGTERM", async () => {
    const { id } = await startRental(["sh", "-c", "trap '' TERM; while true; do sleep 1; done"]);
    const started = Date.now();
    await runtime.stop(id, 1);
    const info = await runtime.inspect(id);
    expect(info?.State.Running).toBe(false);
    expect(info?.State.ExitCode).toBe(137);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("Should find its containers again by label and return the existing one on a repeated create", async () => {
    const { id, rental } = await startRental(["sleep", "60"]);
    const again = await runtime.create(containerCreateOptions({ rental, policy, readOnlyRootfs: true }));
    expect(again).toBe(id);
    const managed = await runtime.listManaged(providerId);
    expect(managed.find((container) => container.id === id)).toMatchObject({ instanceId: rental.id });
    expect(await runtime.listManaged("some-other-provider")).toEqual([]);
  });
});

describe("ImageStore on the real Docker engine", () => {
  const log = createLogger("executor.test");
  let dir: string;
  const version = `loaded-${Date.now()}`;
  const tag = `gpuc/busybox:${version}`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "gpuc-images-"));
    await docker.getImage(TEST_IMAGE).tag({ repo: "gpuc/busybox", tag: version });
    await run("docker", ["save", "-o", join(dir, imageTarName(tag)), tag]);
    await docker.getImage(tag).remove();
  });
  afterAll(async () => {
    await docker
      .getImage(tag)
      .remove()
      .catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it("Should load a missing image from a docker-save tar in the image folder", async () => {
    const store = new ImageStore(docker, log, dir);
    const ready = await store.ensure(tag);
    expect(ready.source).toBe("tar");
    expect(ready.allowsReadOnlyRootfs).toBe(true);
    expect((await store.ensure(tag)).source).toBe("local");
  });

  it("Should refuse to pull from a registry the provider does not allow, before Docker contacts it", async () => {
    const store = new ImageStore(docker, log, dir);
    const started = Date.now();
    // A blackholed private address: a pull attempt would hang on the connection, the refusal is immediate.
    await expect(store.ensure("10.255.255.1:5000/probe:latest")).rejects.toThrow(ImageRegistryRefusedError);
    await expect(store.ensure("registry.internal/probe")).rejects.toThrow(/GPUC_IMAGE_REGISTRIES/);
    expect(Date.now() - started).toBeLessThan(1000);
    // An image already present is used whatever its name: no pull, no request.
    const local = `10.255.255.1:5000/probe:${version}`;
    await docker.getImage(TEST_IMAGE).tag({ repo: "10.255.255.1:5000/probe", tag: version });
    try {
      expect((await store.ensure(local)).source).toBe("local");
    } finally {
      await docker.getImage(local).remove();
    }
  });

  it("Should explain how to provide an image that is neither local, in a tar, nor pullable", async () => {
    const store = new ImageStore(docker, log, dir);
    await expect(store.ensure("gpuc/does-not-exist:never")).rejects.toThrow(ImageUnavailableError);
    await expect(store.ensure("gpuc/does-not-exist:never")).rejects.toThrow(/GPUC_IMAGE_DIR/);
  });
});
