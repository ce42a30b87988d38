import { type ExecutorInstance, type Instance, type InstanceState, LIVE_STATES } from "@gpuc/sdk";
import type { GpuRow } from "../gpus/gpus.repository.ts";
import type { InstanceRow } from "./instances.repository.ts";

/** A credential is issued (and a top-up taken) while the rental runs or is about to; a stopping one needs none. */
export const CREDENTIAL_STATES: readonly InstanceState[] = LIVE_STATES.filter(
  (state) => state !== "Stopping",
);

/** The consumer's view of a rental (the wire `Instance`). */
export function toInstance(row: InstanceRow): Instance {
  return {
    id: row.id,
    state: row.state,
    consumerAddress: row.consumer_address,
    providerId: row.provider_id,
    gpuId: row.gpu_id,
    image: row.image,
    cmd: row.cmd,
    ports: row.ports,
    hours: row.hours,
    pricePerHour: row.price_per_hour.toString(),
    // The prepaid total after every confirmed top-up (the stored amount is the opening escrow's).
    amount: (row.price_per_hour * BigInt(row.hours)).toString(),
    escrowTxId: row.escrow_tx_id,
    escrowBoxId: row.escrow_box_id,
    startHeight: row.start_height,
    fundedAt: row.funded_at?.toISOString() ?? null,
    expiresAt: row.expires_at?.toISOString() ?? null,
    closeReason: row.close_reason,
    closeDetail: row.close_detail,
    billedSeconds: row.billed_seconds === null ? null : Number(row.billed_seconds),
    settlementTxId: row.settlement_tx_id,
    disputeReason: row.dispute_reason,
    disputeReceiptLeaf: row.dispute_receipt_leaf,
    resolvedReceiptLeaf: row.resolved_receipt_leaf,
    executorUrl: row.executor_url,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** What an executor needs to run a rental: the container to start, its devices and its limits. */
export function toExecutorInstance(row: InstanceRow, gpu: GpuRow | undefined): ExecutorInstance {
  return {
    id: row.id,
    state: row.state,
    image: row.image,
    cmd: row.cmd ?? undefined,
    env: row.env ?? undefined,
    ports: row.ports ?? undefined,
    gpuIds: gpu?.device_ids ?? [],
    hours: row.hours,
    pricePerHour: row.price_per_hour.toString(),
    escrowBoxId: row.escrow_box_id,
    startHeight: row.start_height,
    expiresAt: row.expires_at?.toISOString() ?? null,
    consumerAddress: row.consumer_address,
    limits: {
      cpus: gpu?.cpu_cores ?? 1,
      memoryMb: (gpu?.ram_gb ?? 1) * 1024,
      pids: 4096,
      diskGb: gpu?.disk_gb ?? 10,
    },
  };
}
