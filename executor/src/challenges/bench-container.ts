import type { GpuChallenge } from "@gpuc/sdk";
import type { ContainerCreateOptions } from "dockerode";

/** Which benchmark runs: the CPU image on machines without GPUs, the CUDA image on exactly the listed GPUs. */
export interface BenchPlan {
  readonly challenge: GpuChallenge;
  readonly image: string;
  /** True on an NVIDIA machine: the listed device ids become the container's DeviceRequests. */
  readonly gpus: boolean;
}

/** Docker's name for a challenge's benchmark container (unique: a challenge runs once). */
export function benchContainerName(challengeId: string): string {
  return `gpuc-bench-${challengeId}`;
}

/**
 * The benchmark container: no network, read-only root, no capabilities, an unprivileged user, bounded memory. On
 * GPUs it sees exactly the listed devices (DeviceRequests by UUID, as rentals get them), so the UUIDs NVML reports
 * inside are the evidence; on CPU the listed ids are passed in for the harness to echo.
 */
export function benchContainerOptions(plan: BenchPlan): ContainerCreateOptions {
  const { challenge } = plan;
  return {
    name: benchContainerName(challenge.id),
    Image: plan.image,
    Cmd: ["--max-seconds", String(challenge.maxSeconds)],
    Env: [
      `GPUC_BENCH_NONCE=${challenge.nonce}`,
      ...(plan.gpus ? [] : [`GPUC_BENCH_DEVICES=${challenge.deviceIds.join(",")}`]),
    ],
    User: "65534:65534",
    Labels: { "org.gpuc.challenge": challenge.id },
    HostConfig: {
      NetworkMode: "none",
      ReadonlyRootfs: true,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      // The CUDA runtime maps more host memory than the CPU kernel's 96 MiB of triad arrays.
      Memory: (plan.gpus ? 2048 : 512) * 1024 * 1024,
      PidsLimit: 64,
      AutoRemove: false,
      ...(plan.gpus
        ? {
            DeviceRequests: [
              { Driver: "nvidia", DeviceIDs: [...challenge.deviceIds], Capabilities: [["gpu"]] },
            ],
          }
        : {}),
    },
  };
}
