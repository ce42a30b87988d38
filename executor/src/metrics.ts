import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";
import type { GpuStatus } from "./gpu/gpu-probe.ts";

const MIB = 1024 * 1024;

/** The executor's Prometheus metrics, on their own registry (no global state shared with other parts). */
export class ExecutorMetrics {
  readonly registry = new Registry();
  readonly containersRunning = this.#gauge(
    "gpuc_executor_containers_running",
    "Rental containers running now",
  );
  readonly instanceRunningSeconds = this.#gauge(
    "gpuc_executor_instance_running_seconds",
    "Seconds the rental's container has run, by Docker's clock",
    ["instance"],
  );
  readonly instanceBilledSeconds = this.#gauge(
    "gpuc_executor_instance_billed_seconds",
    "Seconds billed to the rental (running time capped at the prepaid time)",
    ["instance"],
  );
  readonly billedSeconds = this.#counter(
    "gpuc_executor_billed_seconds_total",
    "Seconds billed over all rentals",
  );
  readonly claimsSubmitted = this.#counter(
    "gpuc_executor_claims_submitted_total",
    "Billing periods claimed from escrows (submitted transactions)",
  );
  readonly claimsFailed = this.#counter(
    "gpuc_executor_claims_failed_total",
    "Claim transactions that failed (retried on the next cycle)",
  );
  readonly escrowChecksFailed = this.#counter(
    "gpuc_executor_escrow_checks_failed_total",
    "Rentals whose escrow could not be read before a claim (skipped this cycle; the others are still claimed)",
  );
  readonly closes = this.#counter("gpuc_executor_closes_total", "Escrow cooperative closes, by result", [
    "result",
  ]);
  readonly earned = this.#counter(
    "gpuc_executor_gpuc_earned_units_total",
    "GPUC units earned (claims and closes, before the protocol fee)",
  );
  readonly heartbeats = this.#counter("gpuc_executor_heartbeats_total", "Heartbeats sent, by result", [
    "result",
  ]);
  readonly rentals = this.#counter(
    "gpuc_executor_rentals_ended_total",
    "Rentals ended, by state and reason",
    ["state", "reason"],
  );
  readonly gpuUtilization = this.#gauge("gpuc_gpu_utilization_percent", "GPU utilisation", GPU_LABELS);
  readonly gpuMemoryUsed = this.#gauge("gpuc_gpu_memory_used_bytes", "GPU memory in use", GPU_LABELS);
  readonly gpuMemoryTotal = this.#gauge("gpuc_gpu_memory_total_bytes", "GPU memory", GPU_LABELS);
  readonly gpuTemperature = this.#gauge("gpuc_gpu_temperature_celsius", "GPU temperature", GPU_LABELS);
  readonly gpuPower = this.#gauge("gpuc_gpu_power_watts", "GPU power draw", GPU_LABELS);

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Sets the per-GPU gauges from a probe reading; fields a board does not report are left out. */
  recordGpus(gpus: readonly GpuStatus[]): void {
    for (const gauge of [
      this.gpuUtilization,
      this.gpuMemoryUsed,
      this.gpuMemoryTotal,
      this.gpuTemperature,
      this.gpuPower,
    ]) {
      gauge.reset();
    }
    for (const gpu of gpus) {
      const labels = { gpu: String(gpu.index), uuid: gpu.uuid, name: gpu.name };
      this.gpuMemoryTotal.set(labels, gpu.memoryTotalMiB * MIB);
      setIfKnown(this.gpuUtilization, labels, gpu.utilizationPercent);
      setIfKnown(this.gpuMemoryUsed, labels, gpu.memoryUsedMiB === null ? null : gpu.memoryUsedMiB * MIB);
      setIfKnown(this.gpuTemperature, labels, gpu.temperatureC);
      setIfKnown(this.gpuPower, labels, gpu.powerDrawW);
    }
  }

  forgetInstance(instanceId: string): void {
    this.instanceRunningSeconds.remove({ instance: instanceId });
    this.instanceBilledSeconds.remove({ instance: instanceId });
  }

  #gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }

  #counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }
}

const GPU_LABELS = ["gpu", "uuid", "name"] as const;

function setIfKnown<L extends string>(
  gauge: Gauge<L>,
  labels: Record<L, string>,
  value: number | null,
): void {
  if (value !== null) gauge.set(labels, value);
}
