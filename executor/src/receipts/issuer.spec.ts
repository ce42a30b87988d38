import { usageReceiptSchema } from "@gpuc/sdk";
import { describe, expect, it } from "vitest";
import type { GpuStatus } from "../gpu/gpu-probe.ts";
import type { LedgerRental } from "../ledger/ledger.ts";
import { testRental } from "../testing/rentals.ts";
import { buildReceipt, type PeriodFacts, periodSeconds, ReceiptFactsMissingError } from "./issuer.ts";
import { runFacts } from "./run-facts.ts";
import { gpuSample } from "./usage.ts";

const terms = { periodSeconds: 3600, prepaidPeriods: 3, pricePerPeriod: 1_000_000n };
const IMAGE = `sha256:${"e".repeat(64)}`;
const rental: LedgerRental = {
  instanceId: "0b6c8a3e-2d47-4f7e-9a1c-5e8f0d2b3c4a",
  providerId: "provider",
  rental: testRental({ escrowBoxId: "AB".repeat(32) }),
  state: "Stopping",
  containerId: "c",
  terms,
  startedAt: new Date("2030-01-01T00:00:00.000Z"),
  finishedAt: new Date("2030-01-01T01:30:00.000Z"),
  runningSeconds: 5400,
  billedSeconds: 5400,
  stopReason: null,
  detail: null,
};
const facts = (overrides: Partial<PeriodFacts> = {}): PeriodFacts => ({
  rental,
  provider: "9fRAWhdxEsTcdb8PhGNrZfwqa65zfkuYHAMmkQLcic1gdLSV5vA",
  period: 1,
  final: false,
  run: { imageDigest: IMAGE, exitCode: null },
  usage: undefined,
  issuedAt: new Date("2030-01-01T01:30:01.000Z"),
  ...overrides,
});

function gpu(index: number, utilizationPercent: number | null, memoryUsedMiB: number | null): GpuStatus {
  return {
    index,
    uuid: `GPU-${index}`,
    name: "NVIDIA H100 80GB HBM3",
    memoryTotalMiB: 81559,
    memoryUsedMiB,
    utilizationPercent,
    temperatureC: 40,
    powerDrawW: null,
    driverVersion: "550.54.15",
  };
}

describe("buildReceipt", () => {
  it("Should write a whole running period and a final partial one from the ledger's facts", () => {
    const first = buildReceipt(facts());
    expect(first).toMatchObject({
      version: 1,
      instanceId: rental.instanceId,
      escrowBoxId: "ab".repeat(32),
      period: 1,
      periodStart: "2030-01-01T00:00:00.000Z",
      periodEnd: "2030-01-01T01:00:00.000Z",
      seconds: 3600,
      imageDigest: IMAGE,
      gpus: [],
      gpuUtilization: { meanPct: 0, maxPct: 0 },
      gpuMemory: { meanMiB: 0, maxMiB: 0 },
      exitState: "running",
    });
    expect(first.exitCode).toBeUndefined();
    const last = buildReceipt(facts({ period: 2, final: true, run: { imageDigest: IMAGE, exitCode: 0 } }));
    expect(last).toMatchObject({
      seconds: 1800,
      periodEnd: "2030-01-01T01:30:00.000Z",
      exitState: "exited",
      exitCode: 0,
    });
    expect(usageReceiptSchema.safeParse(last).success).toBe(true);
  });

  it("Should say how the rental ended: stopped on a stop reason, failed on the provider's side or a non-zero exit", () => {
    const final = (stopReason: LedgerRental["stopReason"], exitCode: number | null) =>
      buildReceipt(
        facts({
          rental: { ...rental, stopReason },
          period: 2,
          final: true,
          run: { imageDigest: IMAGE, exitCode },
        }),
      );
    expect(final("user_stopped", 137)).toMatchObject({ exitState: "stopped", exitCode: 137 });
    expect(final("provider_down", null)).toMatchObject({ exitState: "failed" });
    expect(final(null, 3)).toMatchObject({ exitState: "failed", exitCode: 3 });
  });

  it("Should average the period's GPU readings", () => {
    const usage = {
      samples: 4,
      utilSum: 250,
      utilMax: 90,
      memSum: 4000.4,
      memMax: 1500,
      gpus: [{ uuid: "GPU-0", model: "H100" }],
    };
    expect(buildReceipt(facts({ usage }))).toMatchObject({
      gpus: [{ uuid: "GPU-0", model: "H100" }],
      gpuUtilization: { meanPct: 62.5, maxPct: 90 },
      gpuMemory: { meanMiB: 1000.1, maxMiB: 1500 },
    });
  });

  it("Should refuse to write a receipt before Docker named the image", () => {
    expect(() => buildReceipt(facts({ run: { imageDigest: null, exitCode: null } }))).toThrow(
      ReceiptFactsMissingError,
    );
  });
});

describe("receipt inputs", () => {
  it("Should split billed seconds into periods", () => {
    expect([1, 2, 3].map((period) => periodSeconds(terms, 5400, period))).toEqual([3600, 1800, 0]);
  });

  it("Should take the image content id and the exit code from docker inspect", () => {
    const state = { Running: false, ExitCode: 2 } as Parameters<typeof runFacts>[0]["State"];
    expect(runFacts({ Image: IMAGE, State: state })).toEqual({ imageDigest: IMAGE, exitCode: 2 });
    expect(runFacts({ Image: "busybox:latest", State: { ...state, Running: true } })).toEqual({
      imageDigest: null,
      exitCode: null,
    });
  });

  it("Should read the pinned GPUs only: mean utilisation, memory summed", () => {
    const gpus = [gpu(0, 80, 1000), gpu(1, 40, 3000), gpu(2, 100, 9000)];
    expect(gpuSample(gpus, ["GPU-0", "1"])).toEqual({
      utilizationPct: 60,
      memoryMiB: 4000,
      gpus: [
        { uuid: "GPU-0", model: "NVIDIA H100 80GB HBM3" },
        { uuid: "GPU-1", model: "NVIDIA H100 80GB HBM3" },
      ],
    });
    expect(gpuSample(gpus, ["GPU-9"])).toBeUndefined();
    expect(gpuSample([gpu(0, null, null)], ["0"])).toMatchObject({ utilizationPct: 0, memoryMiB: 0 });
  });
});
