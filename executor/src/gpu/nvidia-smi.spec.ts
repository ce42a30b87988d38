import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pinnedGpus } from "./gpu-probe.ts";
import {
  NVIDIA_SMI_ARGS,
  NvidiaSmiError,
  NvidiaSmiParseError,
  NvidiaSmiProbe,
  parseNvidiaSmi,
  RecordedGpuProbe,
} from "./nvidia-smi.ts";

const fixture = (name: string) => join(import.meta.dirname, "fixtures", name);

describe("parseNvidiaSmi on recorded outputs", () => {
  it("Should read all eight GPUs of an 8×H100 80GB HBM3 node with their live readings", async () => {
    const gpus = await new RecordedGpuProbe(fixture("8xH100-80GB-HBM3.recorded.csv")).list();
    expect(gpus).toHaveLength(8);
    expect(gpus.map((gpu) => gpu.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(new Set(gpus.map((gpu) => gpu.uuid)).size).toBe(8);
    expect(gpus[2]).toEqual({
      index: 2,
      uuid: "GPU-c95a7e13-4b8f-42d0-8e1c-5f6a0b9d3c27",
      name: "NVIDIA H100 80GB HBM3",
      memoryTotalMiB: 81559,
      memoryUsedMiB: 78211,
      utilizationPercent: 100,
      temperatureC: 69,
      powerDrawW: 694.02,
      driverVersion: "535.129.03",
    });
  });

  it("Should read a single consumer RTX 4090", async () => {
    const [gpu] = await new RecordedGpuProbe(fixture("1xRTX-4090.recorded.csv")).list();
    expect(gpu?.name).toBe("NVIDIA GeForce RTX 4090");
    expect(gpu?.memoryTotalMiB).toBe(24564);
    expect(gpu?.powerDrawW).toBe(27.84);
  });

  it("Should turn [N/A] power and utilization of A100 boards into null, keeping the other fields", async () => {
    const gpus = await new RecordedGpuProbe(fixture("4xA100-SXM4-40GB-power-na.recorded.csv")).list();
    expect(gpus.map((gpu) => gpu.powerDrawW)).toEqual([null, null, null, null]);
    expect(gpus[3]?.utilizationPercent).toBeNull();
    expect(gpus[2]?.utilizationPercent).toBe(87);
    expect(gpus[2]?.memoryUsedMiB).toBe(38912);
  });

  it("Should return no GPUs for empty output", () => {
    expect(parseNvidiaSmi("\n")).toEqual([]);
  });

  it("Should reject a line with missing fields or a non-numeric reading", () => {
    expect(() => parseNvidiaSmi("0, GPU-1, NVIDIA H100, 81559")).toThrow(NvidiaSmiParseError);
    expect(() =>
      parseNvidiaSmi("0, GPU-1, NVIDIA H100 80GB HBM3, 81559, lots, 0, 30, 70.0, 535.129.03"),
    ).toThrow(/"lots" is not a number/);
    expect(() => parseNvidiaSmi("0, 1234, NVIDIA H100 80GB HBM3, 81559, 4, 0, 30, 70.0, 535.129.03")).toThrow(
      /not a GPU uuid/,
    );
  });
});

describe("NvidiaSmiProbe", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "gpuc-smi-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("Should run the binary with the query arguments and parse what it prints", async () => {
    // A stand-in binary that checks it got the exact query and prints a recorded output.
    const binary = join(dir, "nvidia-smi");
    await writeFile(
      binary,
      `#!/bin/sh\n[ "$*" = "${NVIDIA_SMI_ARGS.join(" ")}" ] || { echo "bad args: $*" >&2; exit 9; }\ncat "${fixture("1xRTX-4090.recorded.csv")}"\n`,
    );
    await chmod(binary, 0o755);
    const gpus = await new NvidiaSmiProbe({ binary }).list();
    expect(gpus.map((gpu) => gpu.name)).toEqual(["NVIDIA GeForce RTX 4090"]);
  });

  it("Should explain how to run CPU-only when nvidia-smi is missing", async () => {
    const probe = new NvidiaSmiProbe({ binary: join(dir, "no-such-nvidia-smi") });
    await expect(probe.list()).rejects.toThrow(NvidiaSmiError);
    await expect(probe.list()).rejects.toThrow(/GPUC_GPUS=none/);
  });
});

describe("pinnedGpus on a recorded 8×H100 node", () => {
  it("Should pick a rental's GPUs by index or UUID, and leave out pins the probe does not see", async () => {
    const gpus = await new RecordedGpuProbe(fixture("8xH100-80GB-HBM3.recorded.csv")).list();
    const picked = pinnedGpus(gpus, ["0", "GPU-c95a7e13-4b8f-42d0-8e1c-5f6a0b9d3c27", "9"]);
    expect(picked.map((gpu) => gpu.index)).toEqual([0, 2]);
    expect(picked[1]).toMatchObject({ utilizationPercent: 100, memoryUsedMiB: 78211, memoryTotalMiB: 81559 });
    expect(pinnedGpus(gpus, [])).toEqual([]);
  });
});
