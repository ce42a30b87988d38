import { heartbeatMessage, type Rental } from "@gpuc/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runningSeconds, runWindow } from "../src/billing/metering.ts";
import { verifyProviderSignature } from "../src/keys/provider-signer.ts";
import { type Harness, startHarness } from "../src/testing/agent-harness.ts";
import { testRental } from "../src/testing/rentals.ts";

// Billing period 2 s (AgentOptions.periodSeconds in the harness); price 3.6 GPUC per period.
const PRICE = 3_600_000n;

let h: Harness;

beforeAll(async () => {
  h = await startHarness("agent");
});
afterAll(() => h.close());

function offer(overrides: Partial<Rental>): Rental {
  const rental = testRental({ pricePerHour: PRICE.toString(), ...overrides });
  h.marketplace.rentals.set(rental.id, rental);
  return rental;
}

async function recordedClaims(instanceId: string) {
  return h.chainDb.query<{ period: number; amount: bigint }>(
    "SELECT period, amount FROM recorded_settlement_claims WHERE instance_id = $1 ORDER BY period",
    [instanceId],
  );
}

async function recordedClose(instanceId: string) {
  const rows = await h.chainDb.query<{
    billed_seconds: number;
    provider_amount: bigint;
    consumer_refund: bigint;
  }>(
    "SELECT billed_seconds, provider_amount, consumer_refund FROM recorded_settlement_closes WHERE instance_id = $1",
    [instanceId],
  );
  return rows[0];
}

const eventsOf = (instanceId: string) =>
  h.marketplace.events.filter((entry) => entry.instanceId === instanceId).map((entry) => entry.event);

async function dockerRuntimeSeconds(containerId: string): Promise<number> {
  const info = await h.runtime.inspect(containerId);
  if (!info) throw new Error("container gone");
  return runningSeconds(runWindow(info.State));
}

describe("Agent against the real Docker engine", () => {
  it("Should run a rental, claim each elapsed period once, stop it when the prepaid time is used and close", async () => {
    const { agent, ledger, metrics } = await h.newAgent();
    const rental = offer({ hours: 2 }); // 2 periods × 2 s = 4 s prepaid
    await h.tickUntil(agent, async () => (await ledger.get(rental.id))?.state === "Completed");

    const row = await ledger.get(rental.id);
    expect(row?.billedSeconds).toBe(4);
    // Docker's runtime includes the stop grace period; billing stops at the prepaid time.
    expect(await dockerRuntimeSeconds(row!.containerId!)).toBeGreaterThanOrEqual(4);
    expect(await recordedClaims(rental.id)).toEqual([
      { period: 1, amount: PRICE },
      { period: 2, amount: PRICE },
    ]);
    expect(await recordedClose(rental.id)).toEqual({
      billed_seconds: 4,
      provider_amount: 0n,
      consumer_refund: 0n,
    });
    await agent.tick(); // deliver the last event
    expect(eventsOf(rental.id)).toEqual([
      { state: "Starting" },
      { state: "Running" },
      { state: "Stopping", reason: "funds_exhausted" },
      { state: "Completed", reason: "funds_exhausted", billedSeconds: 4 },
    ]);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/gpuc_executor_claims_submitted_total 2/);
    expect(text).toMatch(/gpuc_executor_gpuc_earned_units_total 7200000/);
    expect(text).toMatch(/gpuc_executor_billed_seconds_total 4/);
  });

  it("Should batch claims under a claim policy: three periods in one claim, the last ones left to the close", async () => {
    const { agent, ledger, metrics } = await h.newAgent({ claimPolicy: { afterPeriods: 3 } });
    const rental = offer({ hours: 5 }); // 5 periods × 2 s = 10 s prepaid
    await h.tickUntil(agent, async () => (await ledger.get(rental.id))?.state === "Completed", 30_000);

    const claims = await h.chainDb.query<{ period: number; tx_id: string }>(
      "SELECT period, tx_id FROM recorded_settlement_claims WHERE instance_id = $1 ORDER BY period",
      [rental.id],
    );
    expect(claims.map((claim) => claim.period)).toEqual([1, 2, 3]);
    expect(new Set(claims.map((claim) => claim.tx_id)).size).toBe(1);
    // Periods 4 and 5 never reach the threshold before the prepaid time ends: the close pays them, in full.
    expect(await recordedClose(rental.id)).toEqual({
      billed_seconds: 10,
      provider_amount: 2n * PRICE,
      consumer_refund: 0n,
    });
    expect(await metrics.registry.metrics()).toMatch(/gpuc_executor_claims_submitted_total 3/);
  });

  it("Should stop on the consumer's request, bill Docker's runtime to within a second and close the partial period", async () => {
    const { agent, ledger } = await h.newAgent();
    const rental = offer({ hours: 5 });
    await h.tickUntil(agent, async () => (await recordedClaims(rental.id)).length === 1);
    // The consumer stops it through the marketplace.
    h.marketplace.rentals.set(rental.id, { ...h.marketplace.rentals.get(rental.id)!, state: "Stopping" });
    await h.tickUntil(agent, async () => (await ledger.get(rental.id))?.state === "Completed");

    const row = await ledger.get(rental.id);
    const dockerSeconds = await dockerRuntimeSeconds(row!.containerId!);
    expect(Math.abs(row!.billedSeconds - dockerSeconds)).toBeLessThanOrEqual(1);
    const claims = await recordedClaims(rental.id);
    const close = await recordedClose(rental.id);
    const claimed = BigInt(claims.length);
    const perSecond = PRICE / 2n;
    expect(close?.provider_amount).toBe(BigInt(row!.billedSeconds) * perSecond - claimed * PRICE);
    expect(close!.provider_amount + close!.consumer_refund + claimed * PRICE).toBe(5n * PRICE);
    expect(row?.stopReason).toBe("user_stopped");
  });

  it("Should settle a workload that exits by itself, recording its exit code", async () => {
    const { agent, ledger } = await h.newAgent();
    const rental = offer({ hours: 3, cmd: ["sh", "-c", "sleep 1; exit 3"] });
    await h.tickUntil(agent, async () => (await ledger.get(rental.id))?.state === "Completed");
    const row = await ledger.get(rental.id);
    expect(row?.detail).toBe("the container exited with code 3");
    expect(row?.billedSeconds).toBe(await dockerRuntimeSeconds(row!.containerId!));
    expect((await recordedClose(rental.id))?.consumer_refund).toBe(
      3n * PRICE - BigInt(row!.billedSeconds) * (PRICE / 2n),
    );
  });

  it("Should refuse a rental that pins GPUs this CPU-only executor lacks, refunding it all without a container", async () => {
    const { agent, ledger } = await h.newAgent();
    const rental = offer({ gpuIds: ["GPU-3b1f0c6e-9d2a-4c71-b0f4-2a8e5d7c9e11"] });
    await h.tickUntil(agent, async () => (await ledger.get(rental.id))?.state === "Failed");
    const row = await ledger.get(rental.id);
    expect(row?.containerId).toBeNull();
    expect(row?.detail).toMatch(/not on this executor/);
    expect(await recordedClose(rental.id)).toEqual({
      billed_seconds: 0,
      provider_amount: 0n,
      consumer_refund: 2n * PRICE,
    });
    await agent.tick();
    expect(eventsOf(rental.id).at(-1)).toMatchObject({
      state: "Failed",
      reason: "provider_rejected",
      billedSeconds: 0,
    });
  });
});

describe("Agent restarts", () => {
  it("Should adopt its running container after a restart and keep metering without claiming a period twice", async () => {
    const first = await h.newAgent();
    const rental = offer({ hours: 5 }); // 10 s prepaid
    await h.tickUntil(first.agent, async () => (await recordedClaims(rental.id)).length === 1);
    await first.kill();
    await new Promise((resolve) => setTimeout(resolve, 2500)); // a period elapses while no executor runs
    const second = await h.newAgent();
    await second.agent.recover();
    const adopted = await second.ledger.get(rental.id);
    expect((await h.runtime.inspect(adopted!.containerId!))?.State.Running).toBe(true);
    await h.tickUntil(second.agent, async () => (await recordedClaims(rental.id)).length >= 2);
    await h.tickUntil(second.agent, async () => (await second.ledger.get(rental.id))?.state === "Completed");

    const claims = await recordedClaims(rental.id);
    expect(claims.map((claim) => claim.period)).toEqual([1, 2, 3, 4, 5]);
    expect(await second.metrics.registry.metrics()).toMatch(/gpuc_executor_claims_failed_total 0/);
    expect((await second.ledger.get(rental.id))?.billedSeconds).toBe(10);
  });

  it("Should resolve a claim whose outcome a crash lost, from the escrow, instead of claiming it again", async () => {
    const first = await h.newAgent();
    const rental = offer({ hours: 4 });
    await h.tickUntil(first.agent, async () => (await first.ledger.get(rental.id))?.state === "Running");
    await first.kill();
    await new Promise((resolve) => setTimeout(resolve, 2200));

    // The crash: period 1 went to the chain, but the ledger still says `submitting`.
    const second = await h.newAgent();
    const row = (await second.ledger.get(rental.id))!;
    const escrow = {
      instanceId: rental.id,
      escrowBoxId: rental.escrowBoxId,
      startHeight: rental.startHeight,
      prepaidPeriods: 4,
      pricePerPeriod: PRICE,
    };
    const item = { escrow, fromPeriod: 1, toPeriod: 1, amount: PRICE };
    await second.ledger.beginClaims([item]);
    await h.settlement.claim([item]);
    expect(row.state).toBe("Running");

    await second.agent.recover();
    await h.tickUntil(second.agent, async () => (await recordedClaims(rental.id)).length >= 2);
    expect(await second.metrics.registry.metrics()).toMatch(/gpuc_executor_claims_failed_total 0/);
    const statuses = await second.db.query<{ period: number; status: string }>(
      "SELECT period, status FROM executor_claims WHERE instance_id = $1 ORDER BY period",
      [rental.id],
    );
    expect(statuses[0]).toEqual({ period: 1, status: "confirmed" });
    await second.agent.requestStop(rental.id, "user_stopped");
    await h.tickUntil(second.agent, async () => (await second.ledger.get(rental.id))?.state === "Completed");
  });

  it("Should rebuild a rental from its container labels when the ledger is lost, and not re-claim what the escrow paid", async () => {
    const first = await h.newAgent();
    const rental = offer({ hours: 5 });
    await h.tickUntil(first.agent, async () => (await recordedClaims(rental.id)).length === 1);
    await first.kill();
    h.marketplace.rentals.delete(rental.id); // nothing to learn from the marketplace either

    const { extraDatabase } = await import("../src/testing/agent-harness.ts");
    const empty = await extraDatabase("agent_lost");
    try {
      const second = await h.newAgent({ ledgerDbUrl: empty.url });
      await second.agent.recover();
      const rebuilt = await second.ledger.get(rental.id);
      expect(rebuilt).toMatchObject({
        state: "Running",
        rental: { escrowBoxId: rental.escrowBoxId, hours: 5 },
      });
      await h.tickUntil(second.agent, async () => (await recordedClaims(rental.id)).length >= 2);
      expect(await second.metrics.registry.metrics()).toMatch(/gpuc_executor_claims_failed_total 0/);
      await second.agent.requestStop(rental.id, "user_stopped");
      await h.tickUntil(
        second.agent,
        async () => (await second.ledger.get(rental.id))?.state === "Completed",
      );
      await second.kill();
    } finally {
      await empty.drop();
    }
  });
});

describe("Agent and the marketplace", () => {
  it("Should send signed heartbeats with its rentals, and count failures during an outage", async () => {
    const { agent, metrics } = await h.newAgent();
    const before = h.marketplace.heartbeats.length;
    await agent.heartbeat();
    expect(h.marketplace.heartbeats.length).toBe(before + 1);
    expect(h.marketplace.forged).toBe(0);
    h.marketplace.failWith = 503;
    try {
      await agent.heartbeat();
    } finally {
      h.marketplace.failWith = undefined;
    }
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/gpuc_executor_heartbeats_total\{result="ok"\} 1/);
    expect(text).toMatch(/gpuc_executor_heartbeats_total\{result="error"\} 1/);
  });

  it("Should send its public endpoint inside the signed heartbeat body", async () => {
    const endpoint = "https://gpu-host.example:8090";
    const { agent } = await h.newAgent({ endpoint });
    await agent.heartbeat();
    const sent = h.marketplace.heartbeats.at(-1)!;
    expect(sent.endpoint).toBe(endpoint);
    expect(h.marketplace.forged).toBe(0);
    expect(new TextDecoder().decode(heartbeatMessage(sent))).toContain(`"endpoint":"${endpoint}"`);
    // The endpoint is signed: a relay that redirects consumers elsewhere breaks the signature.
    const redirected = heartbeatMessage({ ...sent, endpoint: "https://evil.example" });
    expect(verifyProviderSignature(h.signer.address, redirected, sent.signature)).toBe(false);
  });

  it("Should keep state events while the marketplace is down and deliver them in order afterwards", async () => {
    const { agent, ledger } = await h.newAgent();
    const rental = offer({ hours: 1 });
    await h.tickUntil(agent, async () => (await ledger.get(rental.id))?.state === "Running");
    h.marketplace.failWith = 503;
    try {
      await agent.requestStop(rental.id, "user_stopped");
      await h.tickUntil(agent, async () => (await ledger.get(rental.id))?.state === "Completed");
    } finally {
      h.marketplace.failWith = undefined;
    }
    expect(eventsOf(rental.id).map((event) => event.state)).not.toContain("Completed");
    await agent.tick();
    expect(eventsOf(rental.id).map((event) => event.state)).toEqual([
      "Starting",
      "Running",
      "Stopping",
      "Completed",
    ]);
  });
});
