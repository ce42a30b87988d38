import { createPool, Database } from "@gpuc/platform";
import { createTestDatabase, type TestDatabase } from "@gpuc/platform/testing";
import { receiptBatchRoot, receiptMessage, type SignedReceipt } from "@gpuc/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GpuStatus } from "../gpu/gpu-probe.ts";
import { signerFromSecretKey } from "../keys/provider-signer.ts";
import { Ledger, type LedgerRental } from "../ledger/ledger.ts";
import { migrateExecutor } from "../ledger/migrations.ts";
import { testRental } from "../testing/rentals.ts";
import { ReceiptIssuer } from "./issuer.ts";
import { sampleGpuUsage } from "./usage.ts";

const terms = { periodSeconds: 60, prepaidPeriods: 5, pricePerPeriod: 1_000n };
const IMAGE = `sha256:${"d".repeat(64)}`;
const signer = signerFromSecretKey("5".repeat(64), "testnet");

let test: TestDatabase;
let db: Database;
let ledger: Ledger;

beforeAll(async () => {
  test = await createTestDatabase("executor_receipts");
  db = new Database(createPool(test.url, { max: 2 }));
  await migrateExecutor(db.pool);
  ledger = new Ledger(db);
});
afterAll(async () => {
  await db?.close();
  await test?.drop();
});

async function runningRental(gpuIds: string[] = []): Promise<LedgerRental> {
  const rental = testRental({ gpuIds, hours: terms.prepaidPeriods });
  await ledger.addRental({ rental, providerId: "p", terms, state: "Starting", containerId: "c" });
  await ledger.markRunning(rental.id, new Date("2030-01-01T00:00:00.000Z"));
  await ledger.recordMeter(rental.id, {
    startedAt: new Date("2030-01-01T00:00:00.000Z"),
    finishedAt: null,
    runningSeconds: 90,
    billedSeconds: 90,
  });
  await ledger.receipts.recordRun(rental.id, { imageDigest: IMAGE, exitCode: null });
  return (await ledger.get(rental.id))!;
}

const gpu = (index: number, utilizationPercent: number, memoryUsedMiB: number): GpuStatus => ({
  index,
  uuid: `GPU-${index}`,
  name: "NVIDIA RTX 4090",
  memoryTotalMiB: 24564,
  memoryUsedMiB,
  utilizationPercent,
  temperatureC: null,
  powerDrawW: null,
  driverVersion: "550",
});

describe("ReceiptStore on PostgreSQL", () => {
  it("Should sum each tick's GPU reading into the rental's current period, asking the probe only when a rental pins GPUs", async () => {
    const cpuOnly = await runningRental();
    let probed = 0;
    const list = async () => {
      probed++;
      return [gpu(0, 50, 1000), gpu(1, 90, 3000)];
    };
    await sampleGpuUsage(ledger.receipts, [cpuOnly], list);
    expect(probed).toBe(0);
    const withGpu = await runningRental(["GPU-1"]);
    await sampleGpuUsage(ledger.receipts, [cpuOnly, withGpu], list);
    await sampleGpuUsage(ledger.receipts, [withGpu], async () => [gpu(1, 30, 2000)]);
    expect(probed).toBe(1);
    // 90 s into 60 s periods: period 2.
    expect(await ledger.receipts.usage(withGpu.instanceId, 2)).toEqual({
      samples: 2,
      utilSum: 120,
      utilMax: 90,
      memSum: 5000,
      memMax: 3000,
      gpus: [{ uuid: "GPU-1", model: "NVIDIA RTX 4090" }],
    });
    expect(await ledger.receipts.usage(cpuOnly.instanceId, 2)).toBeUndefined();
    const [, second] = await new ReceiptIssuer(ledger.receipts, signer).issue(withGpu, 1, 2, true);
    expect(second!.receipt).toMatchObject({
      seconds: 30,
      gpuUtilization: { meanPct: 60, maxPct: 90 },
      gpuMemory: { meanMiB: 2500, maxMiB: 3000 },
      exitState: "stopped",
    });
  });

  it("Should sign a period's receipt once and hand the kept one to every retry", async () => {
    const rental = await runningRental();
    const issuer = new ReceiptIssuer(ledger.receipts, signer);
    const first = await issuer.issue(rental, 1, 1);
    const again = await issuer.issue({ ...rental, billedSeconds: 120 }, 1, 2);
    expect(again[0]).toEqual(first[0]);
    expect(again.map((signed) => signed.receipt.period)).toEqual([1, 2]);
    const racer: SignedReceipt = {
      receipt: { ...first[0]!.receipt, issuedAt: "2030-01-02T00:00:00.000Z" },
      signature: signer.sign(receiptMessage(first[0]!.receipt)),
    };
    expect(await ledger.receipts.keep(racer)).toEqual(first[0]);
  });

  it("Should queue a batch once per tx id, find it by rental, and mark it delivered or refused", async () => {
    const rental = await runningRental();
    const receipts = await new ReceiptIssuer(ledger.receipts, signer).issue(rental, 1, 1);
    const batch = { txId: "a".repeat(64), root: receiptBatchRoot(receipts), receipts };
    await ledger.receipts.recordBatch(batch);
    await ledger.receipts.recordBatch({ ...batch, root: "b".repeat(64) });
    expect(await ledger.receipts.batchesOf(rental.instanceId)).toEqual([batch]);
    expect((await ledger.receipts.unsentBatches()).map((unsent) => unsent.txId)).toContain(batch.txId);
    await ledger.receipts.markBatchSent(batch.txId, "409: another batch for this transaction");
    expect((await ledger.receipts.unsentBatches()).map((unsent) => unsent.txId)).not.toContain(batch.txId);
  });
});
