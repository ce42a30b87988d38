import type { ContainerStats } from "dockerode";

/** A container's CPU and memory at one moment, as `docker stats` shows them. */
export interface ContainerUsage {
  /** Percent of one CPU (400 = four CPUs busy), like `docker stats`. */
  readonly cpuPercent: number;
  readonly memoryBytes: number;
  /** The container's memory limit, or the host's memory when it has none. */
  readonly memoryLimitBytes: number;
}

/**
 * Docker's CLI arithmetic over one stats reading: CPU from the delta between `precpu_stats` and `cpu_stats`
 * (container time over system time, times the CPUs online); memory without the page cache Docker's CLI leaves
 * out (`inactive_file` on cgroup v2, `total_inactive_file` on v1), so a container reading files is not shown full.
 */
export function containerUsage(stats: ContainerStats): ContainerUsage {
  return {
    cpuPercent: cpuPercent(stats),
    memoryBytes: memoryBytes(stats),
    memoryLimitBytes: stats.memory_stats?.limit ?? 0,
  };
}

function cpuPercent({ cpu_stats: now, precpu_stats: before }: ContainerStats): number {
  const cpuDelta = (now?.cpu_usage?.total_usage ?? 0) - (before?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (now?.system_cpu_usage ?? 0) - (before?.system_cpu_usage ?? 0);
  const cpus = now?.online_cpus || now?.cpu_usage?.percpu_usage?.length || 0;
  // Without a previous reading (a one-shot read, or a container just started) the delta would be the average
  // since boot, not a rate: report 0 instead.
  if (!before?.system_cpu_usage || cpuDelta <= 0 || systemDelta <= 0 || cpus === 0) return 0;
  return (cpuDelta / systemDelta) * cpus * 100;
}

function memoryBytes({ memory_stats: memory }: ContainerStats): number {
  const usage = memory?.usage ?? 0;
  const detail: Partial<Record<string, number>> = memory?.stats ?? {};
  const cache = detail.inactive_file ?? detail.total_inactive_file ?? 0;
  return cache < usage ? usage - cache : usage;
}
