import { describe, expect, it } from "vitest";
import { testRental } from "../testing/rentals.ts";
import { type ContainerPolicy, containerCreateOptions } from "./container-spec.ts";
import { WritableRootfsRefusedError } from "./errors.ts";

const policy: ContainerPolicy = {
  providerId: "prov-1",
  portNetwork: "bridge",
  hostIp: "0.0.0.0",
  tmpfsMb: 256,
  stopGraceSeconds: 10,
  diskQuota: false,
};

describe("containerCreateOptions", () => {
  it("Should pin exactly the rental's GPUs through an nvidia device request", () => {
    const rental = testRental({
      gpuIds: ["GPU-3b1f0c6e-9d2a-4c71-b0f4-2a8e5d7c9e11", "GPU-8e4d2a90-17c3-4f5b-9a6e-c13b7f0d2e58"],
    });
    const options = containerCreateOptions({ rental, policy, readOnlyRootfs: true });
    expect(options.HostConfig?.DeviceRequests).toEqual([
      {
        Driver: "nvidia",
        DeviceIDs: ["GPU-3b1f0c6e-9d2a-4c71-b0f4-2a8e5d7c9e11", "GPU-8e4d2a90-17c3-4f5b-9a6e-c13b7f0d2e58"],
        Capabilities: [["gpu"]],
      },
    ]);
  });

  it("Should request no GPU device at all for a CPU-only rental", () => {
    const options = containerCreateOptions({ rental: testRental(), policy, readOnlyRootfs: true });
    expect(options.HostConfig).not.toHaveProperty("DeviceRequests");
  });

  it("Should isolate the container and apply the listing's limits", () => {
    const rental = testRental({ limits: { cpus: 1.5, memoryMb: 2048, pids: 512, diskGb: 20 } });
    const host = containerCreateOptions({ rental, policy, readOnlyRootfs: true }).HostConfig;
    expect(host).toMatchObject({
      Privileged: false,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      ReadonlyRootfs: true,
      Tmpfs: { "/tmp": "rw,nosuid,nodev,size=256m" },
      NanoCpus: 1_500_000_000,
      Memory: 2048 * 1024 * 1024,
      MemorySwap: 2048 * 1024 * 1024,
      PidsLimit: 512,
      NetworkMode: "none",
      PublishAllPorts: false,
      PortBindings: {},
      RestartPolicy: { Name: "no", MaximumRetryCount: 0 },
    });
    expect(host).not.toHaveProperty("StorageOpt");
  });

  it("Should publish only the rental's ports, on the port network and the configured host address", () => {
    const rental = testRental({ ports: [8888, 6006] });
    const options = containerCreateOptions({
      rental,
      policy: { ...policy, hostIp: "10.0.0.5", diskQuota: true },
      readOnlyRootfs: false,
    });
    expect(options.ExposedPorts).toEqual({ "8888/tcp": {}, "6006/tcp": {} });
    expect(options.HostConfig?.NetworkMode).toBe("bridge");
    expect(options.HostConfig?.PortBindings).toEqual({
      "8888/tcp": [{ HostIp: "10.0.0.5", HostPort: "" }],
      "6006/tcp": [{ HostIp: "10.0.0.5", HostPort: "" }],
    });
    expect(options.HostConfig?.ReadonlyRootfs).toBe(false);
  });

  it("Should mount a size-capped tmpfs over every image VOLUME path", () => {
    const options = containerCreateOptions({
      rental: testRental(),
      policy,
      readOnlyRootfs: true,
      volumes: ["/data", "/var/lib/app"],
    });
    expect(options.HostConfig?.Tmpfs).toEqual({
      "/tmp": "rw,nosuid,nodev,size=256m",
      "/data": "rw,nosuid,nodev,size=256m",
      "/var/lib/app": "rw,nosuid,nodev,size=256m",
    });
    expect(options.HostConfig).not.toHaveProperty("Binds");
  });

  it("Should refuse a writable root filesystem unless disk quotas are on", () => {
    const rental = testRental();
    expect(() => containerCreateOptions({ rental, policy, readOnlyRootfs: false })).toThrow(
      WritableRootfsRefusedError,
    );
    const quota = containerCreateOptions({
      rental,
      policy: { ...policy, diskQuota: true },
      readOnlyRootfs: false,
    });
    expect(quota.HostConfig).toMatchObject({ ReadonlyRootfs: false, StorageOpt: { size: "1G" } });
  });

  it("Should label the container with the rental, provider and escrow, and set a disk quota when enabled", () => {
    const rental = testRental({ env: { MODEL: "llama", HF_HOME: "/tmp/hf" } });
    const options = containerCreateOptions({
      rental,
      policy: { ...policy, diskQuota: true },
      readOnlyRootfs: true,
    });
    expect(options.name).toBe(`gpuc-${rental.id}`);
    expect(options.Labels).toMatchObject({
      "gpuc.managed-by": "gpuc-executor",
      "gpuc.instance": rental.id,
      "gpuc.provider": "prov-1",
      "gpuc.escrow": rental.escrowBoxId,
    });
    expect(options.Env).toEqual(["MODEL=llama", "HF_HOME=/tmp/hf"]);
    expect(options.HostConfig?.StorageOpt).toEqual({ size: "1G" });
  });
});
