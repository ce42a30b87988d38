import { type Rental, rentalSchema } from "@gpuc/sdk";
import type { ContainerInspectInfo } from "dockerode";
import { LABELS } from "../docker/labels.ts";
import type { AgentDeps } from "./deps.ts";
import { termsOf } from "./rental-terms.ts";

type AdoptDeps = Pick<AgentDeps, "runtime" | "ledger" | "providerId" | "log" | "options">;

const MIB = 1024 * 1024;

/**
 * Rebuilds a rental from its container's labels and settings, for a container the ledger does not know (the
 * ledger was lost or reset): enough to keep metering it and to settle its escrow. Undefined if the labels
 * are incomplete.
 */
export function rentalFromContainer(info: ContainerInspectInfo): Rental | undefined {
  const labels = info.Config.Labels ?? {};
  const host = info.HostConfig;
  const parsed = rentalSchema.safeParse({
    id: labels[LABELS.instance],
    state: "Running",
    image: info.Config.Image,
    cmd: info.Config.Cmd ?? undefined,
    ports: Object.keys(info.Config.ExposedPorts ?? {}).map((key) => Number(key.split("/")[0])),
    gpuIds: host.DeviceRequests?.flatMap((request) => request.DeviceIDs ?? []) ?? [],
    hours: Number(labels[LABELS.hours]),
    pricePerHour: labels[LABELS.pricePerHour],
    escrowBoxId: labels[LABELS.escrow],
    startHeight: Number(labels[LABELS.startHeight]),
    limits: {
      cpus: (host.NanoCpus ?? 0) / 1e9,
      memoryMb: Math.round((host.Memory ?? 0) / MIB),
      pids: host.PidsLimit ?? 0,
      // The disk limit is not visible on the container unless a quota was set; it no longer matters here.
      diskGb: Number(host.StorageOpt?.size?.replace(/G$/, "")) || 1,
    },
  });
  return parsed.success ? parsed.data : undefined;
}

/**
 * Finds this provider's containers by label and makes sure the ledger tracks each of them: containers outlive
 * the executor, so a restarted one carries on metering and settling the rentals they run.
 */
export async function adoptContainers(deps: AdoptDeps): Promise<void> {
  const { runtime, ledger, providerId, log } = deps;
  for (const container of await runtime.listManaged(providerId)) {
    const known = await ledger.get(container.instanceId);
    if (!known) {
      await rebuildRental(deps, container.id, container.instanceId);
      continue;
    }
    if (!known.containerId) await ledger.setContainer(container.instanceId, container.id);
    log.info("CONTAINER_ADOPTED", { instanceId: container.instanceId, state: known.state });
  }
}

/** A container the ledger has no row for (the ledger was lost or reset): its rental comes back from its labels. */
async function rebuildRental(deps: AdoptDeps, containerId: string, instanceId: string): Promise<void> {
  const { runtime, ledger, providerId, log } = deps;
  const info = await runtime.inspect(containerId);
  const rental = info && rentalFromContainer(info);
  if (!rental) {
    log.warn("CONTAINER_UNADOPTABLE", { containerId, instanceId });
    return;
  }
  await ledger.addRental({
    rental,
    providerId,
    terms: termsOf(rental, deps.options.periodSeconds),
    state: info.State.Running ? "Running" : "Stopping",
    containerId,
  });
  log.warn("RENTAL_REBUILT_FROM_LABELS", { instanceId: rental.id });
}
