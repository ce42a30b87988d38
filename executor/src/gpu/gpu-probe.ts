/** One GPU as the executor reports it in heartbeats and metrics (units in the field names). */
export interface GpuStatus {
  readonly index: number;
  /** Stable device id (`GPU-…`); what rentals pin and what `DeviceRequests.DeviceIDs` receives. */
  readonly uuid: string;
  readonly name: string;
  readonly memoryTotalMiB: number;
  readonly memoryUsedMiB: number | null;
  readonly utilizationPercent: number | null;
  readonly temperatureC: number | null;
  /** `null` where the driver reports "[N/A]" (e.g. some A100 boards, MIG mode). */
  readonly powerDrawW: number | null;
  readonly driverVersion: string;
}

/**
 * Where the executor learns about its GPUs. Implementations: `NvidiaSmiProbe` (the real driver tool),
 * `NoGpuProbe` (`--gpus none`, CPU-only rentals) and `RecordedGpuProbe` (a recorded nvidia-smi output).
 */
export interface GpuProbe {
  readonly kind: string;
  list(): Promise<readonly GpuStatus[]>;
}

/**
 * The GPUs a rental is pinned to, as the probe reads them now: a pin names a device by UUID or by index (as the
 * listing's `deviceIds` and Docker's DeviceRequests do). Pins the probe does not see are left out.
 */
export function pinnedGpus(gpus: readonly GpuStatus[], pins: readonly string[]): GpuStatus[] {
  const wanted = new Set(pins);
  return gpus.filter((gpu) => wanted.has(gpu.uuid) || wanted.has(String(gpu.index)));
}
