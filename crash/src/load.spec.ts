import { describe, expect, it } from "vitest";
import { type LoadReport, runLoadBench } from "../bench/load.bench.ts";

// A small `npm run bench:load`: two executor processes, rentals made side by side, every escrow audited on chain.
describe("bench:load (small: 20 rentals on 2 executors)", () => {
  let report: LoadReport;

  it("Should run every rental to its end and settle every escrow on chain, none lost or paid twice", async () => {
    report = await runLoadBench({ rentals: 20, executors: 2, perExecutor: 5, consumers: 4 });
    expect(report.rentals.errors).toEqual([]);
    expect(report.rentals).toMatchObject({ made: 20, started: 20, ended: 20 });
    expect(report.settlement).toMatchObject({
      escrows: 20,
      closed: 20,
      balanced: 20,
      lost: 0,
      doubled: 0,
      unbalancedTxs: 0,
    });
    expect(report.ok).toBe(true);
  }, 300_000);

  it("Should report the start rate, the API latencies and at most one running rental per offer", () => {
    expect(report.startedPerSec.overall).toBeGreaterThan(0);
    expect(report.peakRunning).toBeLessThanOrEqual(2 * 5);
    expect(report.apiMs.byCall["POST /instances/{id}/fund"]?.n).toBe(20);
    expect(report.apiMs.all.p99).toBeGreaterThanOrEqual(report.apiMs.all.median);
    expect(report.settlement.escrowedGpuc).toBe("20 GPUC");
  });
});
