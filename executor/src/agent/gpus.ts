import type { GpuStatus } from "../gpu/gpu-probe.ts";
import type { AgentDeps } from "./deps.ts";

/**
 * The GPUs the probe sees now. A failing probe counts as no GPUs rather than an error, so heartbeats keep going
 * and a rental pinning GPUs is refused instead of left waiting.
 */
export async function listGpus({
  probe,
  log,
}: Pick<AgentDeps, "probe" | "log">): Promise<readonly GpuStatus[]> {
  try {
    return await probe.list();
  } catch (error) {
    log.error("GPU_PROBE_FAILED", { error });
    return [];
  }
}
