import type { Rental } from "@gpuc/sdk";
import type { GpuStatus } from "../gpu/gpu-probe.ts";
import type { LedgerRental } from "../ledger/ledger.ts";

/**
 * Why this executor cannot run a rental, or undefined if it can: its pinned GPUs must exist here and not be
 * pinned by another active rental, and its ports must be in the provider's allowed ranges.
 */
export function rejectionReason(
  rental: Pick<Rental, "id" | "gpuIds" | "ports">,
  gpus: readonly GpuStatus[],
  active: readonly LedgerRental[],
  portAllowed: (port: number) => boolean,
): string | undefined {
  const known = new Set(gpus.flatMap((gpu) => [gpu.uuid, String(gpu.index)]));
  const missing = rental.gpuIds.filter((id) => !known.has(id));
  if (missing.length > 0) return `GPUs ${missing.join(", ")} are not on this executor`;
  const busy = new Set(
    active.filter((other) => other.instanceId !== rental.id).flatMap((other) => other.rental.gpuIds),
  );
  const taken = rental.gpuIds.filter((id) => busy.has(id));
  if (taken.length > 0) return `GPUs ${taken.join(", ")} are already rented`;
  const refused = (rental.ports ?? []).filter((port) => !portAllowed(port));
  if (refused.length > 0) return `ports ${refused.join(", ")} are not allowed by this provider`;
  return undefined;
}
