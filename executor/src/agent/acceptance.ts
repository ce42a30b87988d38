import type { Rental } from "@gpuc/sdk";
import type { GpuStatus } from "../gpu/gpu-probe.ts";
import type { LedgerRental } from "../ledger/ledger.ts";

/** A set of allowed container ports, parsed from "8000-8999,22" style lists. */
export function parsePortRanges(spec: string): (port: number) => boolean {
  const ranges = spec
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [from, to = from] = part.split("-").map((value) => Number(value.trim()));
      if (!Number.isInteger(from) || !Number.isInteger(to) || from! < 1 || to! > 65535 || from! > to!) {
        throw new Error(`"${part}" is not a port or port range (e.g. 8000-8999)`);
      }
      return [from!, to!] as const;
    });
  return (port) => ranges.some(([from, to]) => port >= from && port <= to);
}

/**
 * Why this executor cannot run a rental, or undefined if it can: its pinned GPUs must exist here and not be
 * pinned by another active rental, and its ports must be in the provider's allowed ranges.
 */
export function rejectionReason(
  rental: Rental,
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
