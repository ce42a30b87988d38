import type { ContainerStats } from "dockerode";
import { describe, expect, it } from "vitest";
import { containerUsage } from "./stats.ts";

const reading = (overrides: {
  cpu: [number, number];
  precpu: [number, number];
  cpus: number;
  usage: number;
  stats: Record<string, number>;
}): ContainerStats =>
  ({
    cpu_stats: {
      cpu_usage: { total_usage: overrides.cpu[0] },
      system_cpu_usage: overrides.cpu[1],
      online_cpus: overrides.cpus,
    },
    precpu_stats: { cpu_usage: { total_usage: overrides.precpu[0] }, system_cpu_usage: overrides.precpu[1] },
    memory_stats: { usage: overrides.usage, limit: 1000, stats: overrides.stats },
  }) as unknown as ContainerStats;

describe("containerUsage", () => {
  it("Should compute CPU as docker stats does and leave the inactive page cache out (cgroup v2)", () => {
    const usage = containerUsage(
      reading({ cpu: [300, 2000], precpu: [100, 1000], cpus: 4, usage: 500, stats: { inactive_file: 100 } }),
    );
    expect(usage).toEqual({ cpuPercent: 80, memoryBytes: 400, memoryLimitBytes: 1000 });
  });

  it("Should use total_inactive_file on cgroup v1, and report 0 % before Docker has a previous reading", () => {
    const usage = containerUsage(
      reading({ cpu: [300, 2000], precpu: [0, 0], cpus: 4, usage: 500, stats: { total_inactive_file: 50 } }),
    );
    expect(usage).toEqual({ cpuPercent: 0, memoryBytes: 450, memoryLimitBytes: 1000 });
  });
});
