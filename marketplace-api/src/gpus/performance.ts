import { modelKey } from "@gpuc/sdk";

/**
 * Relative performance of GPU models: peak FP32 TFLOPS from the vendors' data sheets. Used for the
 * "price per performance" sort; an approximation, as any single number is.
 */
const FP32_TFLOPS: Readonly<Record<string, number>> = {
  b200: 80,
  h200: 67,
  h100sxm: 67,
  h100: 51,
  h100pcie: 51,
  a100: 19.5,
  a100sxm: 19.5,
  l40s: 91.6,
  l40: 90.5,
  l4: 30.3,
  a10: 31.2,
  a40: 37.4,
  a6000: 38.7,
  rtxa6000: 38.7,
  rtx6000ada: 91.1,
  v100: 15.7,
  t4: 8.1,
  rtx5090: 104.8,
  rtx4090: 82.6,
  rtx4080: 48.7,
  rtx4070: 29.1,
  rtx3090: 35.6,
  rtx3080: 29.8,
  rtx3070: 20.3,
};

/** Used for models missing from the table, so they still sort (conservatively). */
export const UNKNOWN_MODEL_TFLOPS = 10;

/** FP32 TFLOPS of one GPU of this model. */
export function tflopsOf(model: string): number {
  return FP32_TFLOPS[modelKey(model)] ?? UNKNOWN_MODEL_TFLOPS;
}

/**
 * What the CPU benchmark (executor/bench-image/bench.c, one core, blocked SGEMM) is expected to reach on a current
 * server core: ~20 GFLOPS measured on an AMD EPYC core shared with other work, halved for older or busier machines.
 */
export const CPU_BASELINE_TFLOPS = 0.01;

/** A listing whose model names a CPU (e.g. "CPU", "cpu-x86"): the CPU benchmark is its real test. */
export function isCpuModel(model: string): boolean {
  return modelKey(model).startsWith("cpu");
}

/**
 * The TFLOPS a benchmark of this offer is held to: the datasheet figure of all its GPUs, or the CPU baseline when
 * a CPU run stands for the offer (a CPU listing, or a GPU listing judged on CPU where that is allowed).
 */
export function expectedTflops(
  model: string,
  count: number,
  kind: "cpu" | "cuda",
  cpuForGpu: boolean,
): number {
  if (kind === "cpu" && (isCpuModel(model) || cpuForGpu)) return CPU_BASELINE_TFLOPS;
  return tflopsOf(model) * count;
}
