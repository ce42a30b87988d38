import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ENDED_STATES, GPUC_UNIT, isOneOf } from "@gpuc/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditChain, type ChainAudit } from "./audit.ts";
import { type ChaosCounts, Keeper, randomKills, randomRollbacks } from "./chaos.ts";
import { type RentalRecord, type RentalSpec, rent, runRental, waitFor } from "./rentals.ts";
import { type CrashSystem, PERIOD_SECONDS, PROVIDER_DOWN_MS, prepareCrashSystem } from "./system.ts";

/** Every step of a rental's money path the issue names, each to be reached by a kill at least once. */
const EXECUTOR_POINTS = [
  "executor.container.started",
  "executor.claim.signed",
  "executor.claim.submitted",
  "executor.close.signed",
  "executor.close.submitted",
];
const MARKETPLACE_POINTS = ["marketplace.escrow.submitted", "marketplace.funding.recorded"];
const ARBITER_POINTS = ["marketplace.arbiter.signed", "marketplace.arbiter.submitted"];

const CONSUMERS = 6;
/** Rentals of the first phase (crash points, outside kills, rollbacks) and of the provider-down phase. */
const CHAOS_RENTALS = 28;
const DOWN_RENTALS = 4;

/** Stopped early (3 prepaid hours, stopped after seconds) or run to the end of 1 prepaid hour. */
const chaosSpec = (i: number): RentalSpec =>
  i % 3 === 1 ? { ending: "exhaust", hours: 1 } : { ending: "stop", hours: 3 };

describe("crash tests of the money paths (SIGKILLed executor and marketplace, chain rollbacks, on-chain audit)", () => {
  let world: CrashSystem;
  let audit: ChainAudit;
  const records: RentalRecord[] = [];
  const counts: ChaosCounts = { kills: {}, restarts: 0, rollbacks: 0, rolledBackBlocks: 0, failedStarts: 0 };
  let keepers: { market: Keeper; executor: Keeper };
  const started = Date.now();
  /** A line in <dataDir>/crash.log: what to read first when this test fails (GPUC_CRASH_KEEP_DATA=1 keeps it). */
  const note = (what: string, fields: object = {}) =>
    appendFileSync(
      join(world.dataDir, "crash.log"),
      `${JSON.stringify({ s: Math.round((Date.now() - started) / 1000), what, ...fields })}\n`,
    );

  beforeAll(async () => {
    world = await prepareCrashSystem({ consumers: CONSUMERS, gpus: CONSUMERS });
    keepers = {
      market: new Keeper(world.marketplace, [...MARKETPLACE_POINTS, ...MARKETPLACE_POINTS], counts),
      // Each step once, the claim (the money step run most often) twice.
      executor: new Keeper(
        world.executor,
        [...EXECUTOR_POINTS, EXECUTOR_POINTS[1]!, EXECUTOR_POINTS[2]!],
        counts,
      ),
    };
    await keepers.market.start();
    await keepers.executor.start();
    note("chaos phase");
    await chaosPhase();
    note("provider-down phase");
    await providerDownPhase();
    note("audit");
    audit = await settledAudit();
  }, 600_000);

  afterAll(async () => {
    await keepers?.market.stop();
    await keepers?.executor.stop();
    await world?.stop();
  }, 120_000);

  /** Rentals by every consumer at once while the parts die at crash points, from outside, and the chain reorgs. */
  async function chaosPhase(): Promise<void> {
    let next = 0;
    const worker = async (consumer: number) => {
      for (let i = next++; i < CHAOS_RENTALS; i = next++) {
        const record: RentalRecord = { spec: chaosSpec(i), consumer: String(consumer), paid: false };
        records.push(record);
        await runRental(world.consumers[consumer]!, record, world.providerId);
        note("rental", { ...record, kills: counts.kills });
      }
    };
    const rentals = Promise.all(world.consumers.map((_, i) => worker(i)));
    await Promise.all([
      rentals,
      randomKills([keepers.market, keepers.executor], 25_000, rentals),
      randomRollbacks(world.devnet, counts, 10_000, rentals),
    ]);
  }

  /**
   * The executor goes down for good while rentals run: the marketplace closes them provider_down and the arbiter
   * refunds each escrow, the marketplace dying after signing one refund and after submitting another.
   */
  async function providerDownPhase(): Promise<void> {
    const down = world.consumers.slice(0, DOWN_RENTALS).map((ctx, i) => ({
      ctx,
      record: {
        spec: { ending: "provider_down", hours: 3 },
        consumer: String(i),
        paid: false,
      } as RentalRecord,
    }));
    records.push(...down.map(({ record }) => record));
    const ids = await Promise.all(down.map(({ ctx, record }) => rent(ctx, record, world.providerId)));
    await Promise.all(ids.map((id, i) => waitFor(down[i]!.ctx, id, (x) => x.state === "Running", 120_000)));
    keepers.market.arm(ARBITER_POINTS);
    await keepers.market.part.kill();
    await keepers.executor.holdDown();
    const rollbacks = sleep(PROVIDER_DOWN_MS * 2);
    const endings = Promise.all(
      ids.map((id, i) => waitFor(down[i]!.ctx, id, (x) => isOneOf(x.state, ENDED_STATES), 180_000)),
    );
    await Promise.all([randomRollbacks(world.devnet, counts, 8_000, rollbacks), endings]);
    keepers.executor.release();
    for (const [i, instance] of (await endings).entries()) {
      down[i]!.record.state = instance.state;
      down[i]!.record.closeReason = instance.closeReason;
    }
  }

  /** The audit once every escrow of a paid rental is spent at the tip (closes may still be in the mempool). */
  async function settledAudit(): Promise<ChainAudit> {
    const deadline = Date.now() + 90_000;
    for (;;) {
      const read = await auditChain(world.system.nodeUrl, world.system.deployment);
      const open = [...read.rentals.values()].filter((rental) => rental.open);
      if (open.length === 0 || Date.now() > deadline) return read;
      await sleep(1000);
    }
  }

  const chainOf = (record: RentalRecord) => audit.rentals.get(record.id?.replaceAll("-", "") ?? "");
  const paid = () => records.filter((record) => chainOf(record));

  it("Should run at least 30 rentals with an escrow on chain, each to an end state, and print the counts", () => {
    const rentals = paid();
    const claims = rentals.reduce((sum, record) => sum + (chainOf(record)?.claims ?? 0), 0);
    const summary = {
      rentals: rentals.length,
      killsByPoint: counts.kills,
      restarts: counts.restarts,
      claimsOnChain: claims,
      doubledClaims: rentals.reduce((sum, record) => sum + (chainOf(record)?.doubledPeriods ?? 0), 0),
      lostRefunds: rentals.filter((record) => lostRefund(record)).length,
      escrowsClosed: rentals.filter((record) => !chainOf(record)?.open).length,
      gpucBalanceChecksPassed: rentals.filter((record) => balanced(record)).length,
      unbalancedTxs: audit.unbalancedTxs.length,
      rollbacks: counts.rollbacks,
      failedStarts: counts.failedStarts,
      rolledBackBlocks: counts.rolledBackBlocks,
      endStates: tally(records.map((record) => `${record.state ?? "none"}/${record.closeReason ?? "-"}`)),
      errors: records.filter((record) => record.error).map((record) => record.error),
      seconds: Math.round((Date.now() - started) / 1000),
    };
    // The counts the issue asks for, one JSON line (also kept in the vitest output).
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    expect(summary.errors).toEqual([]);
    expect(rentals.length).toBeGreaterThanOrEqual(30);
    expect(records.every((record) => isOneOf(record.state ?? "", ENDED_STATES))).toBe(true);
  });

  it("Should never pay a period twice: one escrow per rental, each period claimed once (chain)", () => {
    for (const record of paid()) {
      expect(chainOf(record)?.openings, record.id).toBe(1);
      expect(chainOf(record)?.doubledPeriods, record.id).toBe(0);
    }
    expect(paid().some((record) => (chainOf(record)?.claims ?? 0) > 0)).toBe(true);
  });

  it("Should close every escrow with consumer + provider + treasury = its GPUC (chain)", () => {
    expect(audit.unbalancedTxs).toEqual([]);
    for (const record of paid()) {
      expect(chainOf(record)?.open, record.id).toBe(false);
      expect(balanced(record), record.id).toBe(true);
    }
  });

  it("Should pay the provider no more than the started hours metered, and refund the rest (chain)", () => {
    expect(
      paid()
        .filter((record) => lostRefund(record))
        .map((record) => record.id),
    ).toEqual([]);
    const down = records.filter((record) => record.spec.ending === "provider_down");
    expect(down.map((record) => record.closeReason)).toEqual(down.map(() => "provider_down"));
    for (const record of down)
      expect(chainOf(record)!.toConsumer, record.id).toBeGreaterThanOrEqual(GPUC_UNIT);
  });

  it("Should have killed each process at every money step, from outside, and rolled the chain back", () => {
    for (const point of [...EXECUTOR_POINTS, ...MARKETPLACE_POINTS, ...ARBITER_POINTS])
      expect(counts.kills[point], point).toBeGreaterThanOrEqual(1);
    expect(counts.kills["external:executor"]).toBeGreaterThanOrEqual(1);
    expect(counts.kills["external:marketplace"]).toBeGreaterThanOrEqual(1);
    expect(counts.rollbacks).toBeGreaterThanOrEqual(3);
    // Every death was a kill: no part exited by itself (a crash on restart) and every restart came up.
    expect(Object.keys(counts.kills).filter((key) => key.startsWith("exit:"))).toEqual([]);
    expect(counts.failedStarts).toBe(0);
  });

  /** The chain paid out exactly what the rental's escrow held, to its consumer, provider and treasury. */
  function balanced(record: RentalRecord): boolean {
    const chain = chainOf(record);
    return !!chain && !chain.open && chain.toConsumer + chain.toProviderAndTreasury === chain.gpuc;
  }

  /**
   * Open at the end; or the provider and treasury took more than every started hour of the metered time (a
   * crash-recovery path that paid for time not served takes it from the consumer's refund); or, closed
   * provider_down, more than the hours claimed before (the arbiter refunds the rest in full).
   */
  function lostRefund(record: RentalRecord): boolean {
    const chain = chainOf(record);
    if (!chain || chain.open) return true;
    if (record.closeReason === "provider_down")
      return chain.toProviderAndTreasury !== BigInt(chain.paid.size) * GPUC_UNIT;
    if (record.billedSeconds === null || record.billedSeconds === undefined) return true;
    const startedHours = Math.ceil(record.billedSeconds / PERIOD_SECONDS);
    return chain.toProviderAndTreasury > BigInt(startedHours) * GPUC_UNIT;
  }
});

function tally(values: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const value of values) out[value] = (out[value] ?? 0) + 1;
  return out;
}
