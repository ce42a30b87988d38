import type { GpuProbe, GpuStatus } from "./gpu-probe.ts";

/** The probe for `--gpus none`: a CPU-only executor, whose rentals must not ask for GPUs. */
export class NoGpuProbe implements GpuProbe {
  readonly kind = "none";

  async list(): Promise<readonly GpuStatus[]> {
    return [];
  }
}
