import type { Rental } from "@gpuc/sdk";
import type { ContainerCreateOptions } from "dockerode";
import { WritableRootfsRefusedError } from "./errors.ts";
import { LABELS, MANAGED_BY } from "./labels.ts";

/** The provider-side choices that shape every rental container. */
export interface ContainerPolicy {
  readonly providerId: string;
  /**
   * Network for rentals that publish ports (a bridge with inter-container traffic off, see `network.ts`);
   * rentals without ports get no network at all.
   */
  readonly portNetwork: string;
  /** Fixed subnet of `portNetwork` when the executor creates it. */
  readonly portSubnet?: string;
  /** Host address published ports bind to. */
  readonly hostIp: string;
  /** Size of the writable /tmp tmpfs, MiB. */
  readonly tmpfsMb: number;
  /** Seconds between SIGTERM and SIGKILL when a rental is stopped. */
  readonly stopGraceSeconds: number;
  /** Apply `limits.diskGb` as a storage quota (needs overlay2 on xfs with pquota, or devicemapper/zfs/btrfs). */
  readonly diskQuota: boolean;
}

export interface ContainerPlan {
  readonly rental: Rental;
  readonly policy: ContainerPolicy;
  /** False when the image declares it needs a writable root filesystem (refused unless `policy.diskQuota`). */
  readonly readOnlyRootfs: boolean;
  /** The image's `VOLUME` paths: each becomes a tmpfs of `policy.tmpfsMb`. */
  readonly volumes?: readonly string[];
}

/** Docker's name for a rental's container; unique, so creating it twice fails instead of running it twice. */
export function containerName(instanceId: string): string {
  return `gpuc-${instanceId}`;
}

/**
 * The create options of a rental's container: no privileges, every capability dropped, no privilege gain,
 * the listing's CPU/memory/pids limits, read-only root with a tmpfs /tmp and a tmpfs over every image VOLUME
 * (Docker would otherwise put an unbounded anonymous volume on the host disk there), no network unless the
 * rental publishes ports (then only those ports), and exactly the rental's pinned GPUs. A writable root is
 * allowed only with disk quotas on: without them nothing bounds what the rental writes to the host disk.
 *
 * @example
 * const options = containerCreateOptions({ rental, policy, readOnlyRootfs: true });
 * await docker.createContainer(options);
 */
export function containerCreateOptions(plan: ContainerPlan): ContainerCreateOptions {
  const { rental, policy } = plan;
  if (!plan.readOnlyRootfs && !policy.diskQuota) throw new WritableRootfsRefusedError(rental.image);
  const tmpfsOptions = `rw,nosuid,nodev,size=${policy.tmpfsMb}m`;
  const tmpfs = Object.fromEntries(["/tmp", ...(plan.volumes ?? [])].map((path) => [path, tmpfsOptions]));
  const ports = rental.ports ?? [];
  const memoryBytes = rental.limits.memoryMb * 1024 * 1024;
  return {
    name: containerName(rental.id),
    Image: rental.image,
    ...(rental.cmd && rental.cmd.length > 0 ? { Cmd: rental.cmd } : {}),
    Env: Object.entries(rental.env ?? {}).map(([name, value]) => `${name}=${value}`),
    Labels: labelsFor(rental, policy.providerId),
    ExposedPorts: Object.fromEntries(ports.map((port) => [`${port}/tcp`, {}])),
    StopTimeout: policy.stopGraceSeconds,
    HostConfig: {
      Privileged: false,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      // docker-init as PID 1 forwards SIGTERM to the workload, so a graceful stop can actually be graceful.
      Init: true,
      ReadonlyRootfs: plan.readOnlyRootfs,
      Tmpfs: tmpfs,
      NanoCpus: Math.round(rental.limits.cpus * 1e9),
      Memory: memoryBytes,
      // Equal to Memory: no swap beyond the memory limit.
      MemorySwap: memoryBytes,
      PidsLimit: rental.limits.pids,
      IpcMode: "private",
      NetworkMode: ports.length > 0 ? policy.portNetwork : "none",
      PublishAllPorts: false,
      PortBindings: Object.fromEntries(
        ports.map((port) => [`${port}/tcp`, [{ HostIp: policy.hostIp, HostPort: "" }]]),
      ),
      RestartPolicy: { Name: "no", MaximumRetryCount: 0 },
      // Kept after exit: billing reads State.FinishedAt from the stopped container.
      AutoRemove: false,
      LogConfig: { Type: "json-file", Config: { "max-size": "50m", "max-file": "3" } },
      ...(rental.gpuIds.length > 0
        ? { DeviceRequests: [{ Driver: "nvidia", DeviceIDs: [...rental.gpuIds], Capabilities: [["gpu"]] }] }
        : {}),
      ...(policy.diskQuota ? { StorageOpt: { size: `${rental.limits.diskGb}G` } } : {}),
    },
  };
}

function labelsFor(rental: Rental, providerId: string): Record<string, string> {
  return {
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.instance]: rental.id,
    [LABELS.provider]: providerId,
    [LABELS.escrow]: rental.escrowBoxId,
    [LABELS.startHeight]: String(rental.startHeight),
    [LABELS.hours]: String(rental.hours),
    [LABELS.pricePerHour]: rental.pricePerHour,
  };
}
