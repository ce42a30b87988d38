import { type Rental, rentalSchema } from "@gpuc/sdk";
import type { ContainerInspectInfo } from "dockerode";
import { LABELS } from "../docker/labels.ts";

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
