import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BENCH_IMAGE } from "@gpuc/sdk";
import { describe, expect, it } from "vitest";
import { parseNvidiaSmi } from "../gpu/nvidia-smi.ts";
import { challengeFor } from "../testing/challenges.ts";
import { benchContainerOptions } from "./bench-container.ts";
import { BenchOutputError, parseBenchOutput } from "./bench-output.ts";

const fixtures = join(import.meta.dirname, "../gpu/fixtures");

// The GPU paths without a GPU: recorded outputs only (no database, no Docker), so scripts/gpu-check.sh runs them anywhere.
describe("The benchmark's GPU paths on recorded output", () => {
  it("Should give the CUDA benchmark exactly the listed GPUs by UUID, and the CPU one the ids to echo", () => {
    const uuids = parseNvidiaSmi(readFileSync(join(fixtures, "8xH100-80GB-HBM3.recorded.csv"), "utf8"))
      .slice(0, 2)
      .map((gpu) => gpu.uuid);
    const challenge = challengeFor(uuids);
    const gpu = benchContainerOptions({ challenge, image: "gpuc/bench:cuda-1", gpus: true });
    expect(gpu.HostConfig?.DeviceRequests).toEqual([
      { Driver: "nvidia", DeviceIDs: uuids, Capabilities: [["gpu"]] },
    ]);
    expect(gpu.Env).toEqual([`GPUC_BENCH_NONCE=${challenge.nonce}`]);
    expect(gpu.HostConfig).toMatchObject({ NetworkMode: "none", ReadonlyRootfs: true, CapDrop: ["ALL"] });
    const cpu = benchContainerOptions({ challenge, image: BENCH_IMAGE, gpus: false });
    expect(cpu.HostConfig?.DeviceRequests).toBeUndefined();
    expect(cpu.Env).toContain(`GPUC_BENCH_DEVICES=${uuids.join(",")}`);
  });

  it("Should read the CUDA benchmark's recorded line: the NVML UUIDs of the listed H100s, the nonce echoed", () => {
    const line = readFileSync(join(fixtures, "bench-cuda-2xH100.recorded.jsonl"), "utf8");
    const result = parseBenchOutput(`CUDA warm-up done\n${line}`, "5f2c9a0e7b41d3866c0f1e2d3a4b5c6d");
    const smi = parseNvidiaSmi(readFileSync(join(fixtures, "8xH100-80GB-HBM3.recorded.csv"), "utf8"));
    expect(result.kind).toBe("cuda");
    expect(result.devices).toEqual(smi.slice(0, 2).map((gpu) => ({ uuid: gpu.uuid, model: gpu.name })));
    expect(result.tflops).toBeGreaterThan(0);
    expect(() => parseBenchOutput(line, "ab")).toThrow(BenchOutputError);
    expect(() => parseBenchOutput("Segmentation fault\n", "ab")).toThrow(/not JSON/);
    expect(() => parseBenchOutput('{"nonce":"ab"}', "ab")).toThrow(/kind/);
  });
});
