import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { ExecutorError } from "../errors.ts";
import type { GpuProbe, GpuStatus } from "./gpu-probe.ts";

const run = promisify(execFile);

/** The query fields, in the order `parseNvidiaSmi` expects them. */
export const NVIDIA_SMI_FIELDS = [
  "index",
  "uuid",
  "name",
  "memory.total",
  "memory.used",
  "utilization.gpu",
  "temperature.gpu",
  "power.draw",
  "driver_version",
] as const;

export const NVIDIA_SMI_ARGS = [
  `--query-gpu=${NVIDIA_SMI_FIELDS.join(",")}`,
  "--format=csv,noheader,nounits",
] as const;

/** nvidia-smi could not be run or failed; the executor cannot see its GPUs. */
export class NvidiaSmiError extends ExecutorError {
  constructor(cause: unknown) {
    super(
      `nvidia-smi failed (${cause instanceof Error ? cause.message : String(cause)}); install the NVIDIA driver, or start the executor with GPUC_GPUS=none for CPU-only rentals`,
      { cause },
    );
  }
}

/** A line of nvidia-smi output did not have the queried shape. */
export class NvidiaSmiParseError extends ExecutorError {
  constructor(
    readonly line: string,
    readonly reason: string,
  ) {
    super(
      `Unexpected nvidia-smi output line "${line}": ${reason}; check that the driver supports the query fields`,
    );
  }
}

// Values nvidia-smi prints for fields the board or mode does not support.
const UNAVAILABLE = /^\[?(N\/A|Not Supported|Unknown Error|Insufficient Permissions|GPU requires reset)\]?$/i;

/**
 * Parses `nvidia-smi --query-gpu=<NVIDIA_SMI_FIELDS> --format=csv,noheader,nounits` output.
 *
 * @example
 * parseNvidiaSmi("0, GPU-5e1c…, NVIDIA GeForce RTX 4090, 24564, 1, 0, 34, 21.37, 550.54.15\n");
 */
export function parseNvidiaSmi(output: string): GpuStatus[] {
  return output
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map(parseLine);
}

function parseLine(line: string): GpuStatus {
  const cells = line.split(",").map((cell) => cell.trim());
  if (cells.length !== NVIDIA_SMI_FIELDS.length) {
    throw new NvidiaSmiParseError(line, `expected ${NVIDIA_SMI_FIELDS.length} fields, got ${cells.length}`);
  }
  const [index, uuid, name, memTotal, memUsed, util, temp, power, driver] = cells as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const memoryTotalMiB = numberOrNull(memTotal, line);
  const gpuIndex = numberOrNull(index, line);
  if (gpuIndex === null || memoryTotalMiB === null) {
    throw new NvidiaSmiParseError(line, "index and memory.total must be numbers");
  }
  if (!uuid.startsWith("GPU-") && !uuid.startsWith("MIG-")) {
    throw new NvidiaSmiParseError(line, `"${uuid}" is not a GPU uuid`);
  }
  return {
    index: gpuIndex,
    uuid,
    name,
    memoryTotalMiB,
    memoryUsedMiB: numberOrNull(memUsed, line),
    utilizationPercent: numberOrNull(util, line),
    temperatureC: numberOrNull(temp, line),
    powerDrawW: numberOrNull(power, line),
    driverVersion: driver,
  };
}

function numberOrNull(cell: string, line: string): number | null {
  if (UNAVAILABLE.test(cell)) return null;
  const value = Number(cell);
  if (cell === "" || !Number.isFinite(value))
    throw new NvidiaSmiParseError(line, `"${cell}" is not a number`);
  return value;
}

/** Reads the GPUs from the real `nvidia-smi` on this machine. */
export class NvidiaSmiProbe implements GpuProbe {
  readonly kind = "nvidia-smi";
  readonly #binary: string;

  constructor(options: { binary?: string } = {}) {
    this.#binary = options.binary ?? "nvidia-smi";
  }

  async list(): Promise<readonly GpuStatus[]> {
    let stdout: string;
    try {
      ({ stdout } = await run(this.#binary, [...NVIDIA_SMI_ARGS], { timeout: 10_000 }));
    } catch (error) {
      throw new NvidiaSmiError(error);
    }
    return parseNvidiaSmi(stdout);
  }
}

/** Replays a recorded nvidia-smi output (a file of the query's CSV); for tests and demos without GPUs. */
export class RecordedGpuProbe implements GpuProbe {
  readonly kind = "recorded";

  constructor(readonly file: string) {}

  async list(): Promise<readonly GpuStatus[]> {
    return parseNvidiaSmi(await readFile(this.file, "utf8"));
  }
}
