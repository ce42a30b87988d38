import type { GpuStatus } from "../gpu/gpu-probe.ts";
import { pinnedGpus } from "../gpu/gpu-probe.ts";
import type { LedgerRental } from "../ledger/ledger.ts";
import type { GpuSample, ReceiptStore } from "../ledger/receipt-store.ts";

/** One reading of a rental's GPUs, or undefined when it pins none the probe sees. */
export function gpuSample(gpus: readonly GpuStatus[], pins: readonly string[]): GpuSample | undefined {
  const pinned = pinnedGpus(gpus, pins);
  if (pinned.length === 0) return undefined;
  const utilization = pinned.reduce((sum, gpu) => sum + (gpu.utilizationPercent ?? 0), 0) / pinned.length;
  return {
    utilizationPct: Math.min(100, Math.max(0, utilization)),
    memoryMiB: pinned.reduce((sum, gpu) => sum + (gpu.memoryUsedMiB ?? 0), 0),
    gpus: pinned.map((gpu) => ({ uuid: gpu.uuid, model: gpu.name })),
  };
}

/**
 * Adds this tick's GPU reading to the current billing period of every running rental that pins GPUs (the probe
 * is asked once per tick, and not at all when no rental pins one). A CPU-only rental has no readings: its
 * receipts say 0.
 */
export async function sampleGpuUsage(
  store: ReceiptStore,
  rentals: readonly LedgerRental[],
  list: () => Promise<readonly GpuStatus[]>,
): Promise<void> {
  const pinning = rentals.filter(
    (rental) => rental.state === "Running" && (rental.rental.gpuIds?.length ?? 0) > 0,
  );
  if (pinning.length === 0) return;
  const gpus = await list();
  for (const rental of pinning) {
    const sample = gpuSample(gpus, rental.rental.gpuIds ?? []);
    if (!sample) continue;
    const period = Math.floor(rental.billedSeconds / rental.terms.periodSeconds) + 1;
    if (period > rental.terms.prepaidPeriods) continue;
    await store.addSample(rental.instanceId, period, sample);
  }
}
