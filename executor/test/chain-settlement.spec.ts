import { randomUUID } from "node:crypto";
import { parseEscrowBox, providerCloseCap, Signer, splitFee } from "@gpuc/offchain";
import { createLogger } from "@gpuc/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { finalSplit } from "../src/billing/terms.ts";
import { ChainSettlement } from "../src/settlement/chain-settlement.ts";
import type { EscrowRef } from "../src/settlement/settlement.ts";
import {
  type AgentHandle,
  HARNESS_PROVIDER_SECRET,
  type Harness,
  startHarness,
} from "../src/testing/agent-harness.ts";
import { type EscrowChain, startEscrowChain } from "../src/testing/escrow-chain.ts";
import { testRental } from "../src/testing/rentals.ts";

// The executor settling on the devnet (full ergo-lib validation) while running a real Docker container. A billing
// period is 4 blocks on chain and PERIOD_SECONDS of metered time; blocks are mined by the test only, so the test
// decides when the chain lets a period be claimed.

const PRICE = 1_000_000n; // 1 GPUC per period
const PERIOD_SECONDS = 6;

let h: Harness;
let ec: EscrowChain;

beforeAll(async () => {
  h = await startHarness("chain");
  ec = await startEscrowChain();
  await ec.chain.devnet.faucet(h.signer.address, { nanoErgs: 10_000_000_000n });
  await ec.chain.mine();
});
afterAll(async () => {
  await h?.close();
  await ec?.stop();
});

const settlement = () =>
  new ChainSettlement({
    chain: ec.chain.client,
    deployment: ec.deployment,
    signer: Signer.fromSecretHex(HARNESS_PROVIDER_SECRET, "testnet"),
    log: createLogger("executor.test"),
  });

/** The rental's escrow boxes on chain (unspent, mempool applied). */
async function escrowsOf(instanceId: string) {
  const boxes = await ec.chain.client.unspentByErgoTree(ec.deployment.contracts.rentalEscrow.ergoTree);
  return boxes
    .map((box) => parseEscrowBox(box, ec.deployment))
    .filter((escrow) => escrow.rentalId === instanceId.replaceAll("-", ""));
}

describe("ChainSettlement with the agent, Docker and the devnet", () => {
  it("Should claim the first period on chain only once the chain allows it, survive a restart without a doubled claim, and settle the partial period by provider close", async () => {
    const id = randomUUID();
    const opened = await ec.openEscrow({
      provider: h.signer.address,
      rentalId: id.replaceAll("-", ""),
      pricePerHour: PRICE,
      hours: 2,
    });
    const start = parseEscrowBox(opened, ec.deployment).startHeight;
    const rental = testRental({
      id,
      hours: 2,
      pricePerHour: PRICE.toString(),
      escrowBoxId: opened.boxId,
      startHeight: start,
    });
    h.marketplace.rentals.set(id, rental);
    const first = await h.newAgent({ periodSeconds: PERIOD_SECONDS, settlement: settlement() });

    // A whole period metered, but the chain has not seen 4 blocks: nothing is claimed (lag, never lead).
    await h.tickUntil(
      first.agent,
      async () => ((await first.ledger.get(id))?.billedSeconds ?? 0) >= PERIOD_SECONDS,
    );
    await first.agent.tick();
    expect(await first.ledger.claimTotals(id)).toEqual({ periods: 0, amount: 0n });
    expect((await escrowsOf(id)).map((e) => e.boxId)).toEqual([opened.boxId]);

    // The chain reaches the end of period 1: the claim goes on chain.
    await ec.mineTo(start + ec.blocksPerHour - 1);
    await h.tickUntil(first.agent, async () => (await first.ledger.claimTotals(id)).periods === 1);
    await ec.chain.mine();
    const { fee, net } = splitFee(PRICE, ec.feeBps);
    expect(await ec.paidFrom(h.signer.address, opened.boxId)).toBe(net);
    expect(await ec.paidFrom(ec.treasury, opened.boxId)).toBe(fee);
    const [afterClaim] = await escrowsOf(id);
    expect(afterClaim).toMatchObject({ paidHours: 1, parentBoxId: opened.boxId, gpuc: PRICE });

    // Crash: the agent dies and its ledger lost the claim's outcome (back to `submitting`). A new agent with a
    // new settlement (no memory of the escrow) resolves it from the chain instead of claiming period 1 again.
    await first.kill();
    const second = await h.newAgent({ periodSeconds: PERIOD_SECONDS, settlement: settlement() });
    await second.db.query("UPDATE executor_claims SET status = 'submitting' WHERE instance_id = $1", [id]);
    await second.agent.recover();
    for (let i = 0; i < 3; i++) await second.agent.tick();
    const statuses = await second.db.query<{ period: number; status: string }>(
      "SELECT period, status FROM executor_claims WHERE instance_id = $1 ORDER BY period",
      [id],
    );
    expect(statuses).toEqual([{ period: 1, status: "confirmed" }]);
    expect((await escrowsOf(id)).map((e) => [e.boxId, e.paidHours])).toEqual([[afterClaim!.boxId, 1]]);
    expect(await ec.paidFrom(h.signer.address, opened.boxId)).toBe(net);
    expect(await ec.paidFrom(h.signer.address, afterClaim!.boxId)).toBe(0n);

    // Two blocks and two metered seconds into period 2, the consumer stops: the provider closes alone.
    await ec.mineTo(start + ec.blocksPerHour + 1);
    await h.tickUntil(
      second.agent,
      async () => ((await second.ledger.get(id))?.billedSeconds ?? 0) >= PERIOD_SECONDS + 2,
    );
    h.marketplace.rentals.set(id, { ...rental, state: "Stopping" });
    await h.tickUntil(second.agent, async () => (await second.ledger.get(id))?.state === "Completed");
    const closeHeight = (await ec.chain.client.height()) + 1; // the close is in the mempool, built for this block
    await ec.chain.mine();

    const row = (await second.ledger.get(id))!;
    expect(row.stopReason).toBe("user_stopped");
    const metered = finalSplit(row.terms, row.billedSeconds, 1).providerAmount;
    const cap = providerCloseCap(afterClaim!, closeHeight, ec.blocksPerHour);
    // biome-ignore lint/complexity/useMathMinMax: bigints (Math.min takes numbers)
    const gross = metered < cap ? metered : cap;
    expect(gross).toBeGreaterThan(0n);
    const paid = splitFee(gross, ec.feeBps);
    expect(await ec.paidFrom(h.signer.address, afterClaim!.boxId)).toBe(paid.net);
    expect(await ec.paidFrom(ec.treasury, afterClaim!.boxId)).toBe(paid.fee);
    expect(await ec.paidFrom(ec.consumer.address, afterClaim!.boxId)).toBe(PRICE - gross);
    expect(await escrowsOf(id)).toEqual([]);
    const [close] = await second.db.query<{
      provider_amount: bigint;
      consumer_refund: bigint;
      tx_id: string;
    }>("SELECT provider_amount, consumer_refund, tx_id FROM executor_closes WHERE instance_id = $1", [id]);
    expect(close).toMatchObject({ provider_amount: gross, consumer_refund: PRICE - gross });
    // Exactly one claim payout and one close payout reached the provider over the whole rental (the close spent
    // the claim's payout box as funding, so count the provider's whole GPUC balance).
    expect(await ec.gpucOf(h.signer.address)).toBe(net + paid.net);
    const spentBy = async (boxId: string) => (await ec.chain.client.indexedBox(boxId))?.spentTransactionId;
    expect(await spentBy(afterClaim!.boxId)).toBe(close?.tx_id);
  });

  it("Should report a closed escrow, and refuse a claim the chain does not allow yet or a period already paid", async () => {
    const id = randomUUID();
    const opened = await ec.openEscrow({
      provider: h.signer.address,
      rentalId: id.replaceAll("-", ""),
      pricePerHour: PRICE,
      hours: 3,
    });
    const ref: EscrowRef = {
      instanceId: id,
      escrowBoxId: opened.boxId,
      startHeight: parseEscrowBox(opened, ec.deployment).startHeight,
      prepaidPeriods: 3,
      pricePerPeriod: PRICE,
    };
    const chain = settlement();
    expect(await chain.escrowState(ref)).toEqual({
      paidPeriods: 0,
      closed: false,
      claimablePeriods: 0,
      prepaidPeriods: 3,
    });
    const item = { escrow: ref, fromPeriod: 1, toPeriod: 1, amount: PRICE };
    await expect(chain.claim([item])).rejects.toThrow(/lets 0 more periods/);
    await ec.mineTo(ref.startHeight + 2 * ec.blocksPerHour - 1);
    expect(await chain.escrowState(ref)).toMatchObject({ paidPeriods: 0, claimablePeriods: 2 });
    await chain.claim([item]); // in the mempool: escrowState counts it before it is mined
    expect(await settlement().escrowState(ref)).toMatchObject({ paidPeriods: 1, claimablePeriods: 1 });
    await expect(settlement().claim([item])).rejects.toThrow(/already claimed/);
    await ec.chain.mine();
    const close = await chain.close({
      escrow: ref,
      billedSeconds: 0,
      claimedPeriods: 1,
      providerAmount: 0n,
      consumerRefund: 2n * PRICE,
      reason: "provider_rejected",
    });
    expect(close.settled).toEqual({ providerAmount: 0n, consumerRefund: 2n * PRICE });
    expect(await settlement().escrowState(ref)).toEqual({ paidPeriods: 1, closed: true });
    await ec.chain.mine();
    expect(await settlement().escrowState(ref)).toEqual({ paidPeriods: 1, closed: true });
  });
});

describe("ChainSettlement after a claim the chain dropped", () => {
  it("Should recover without a restart when a mined claim is rolled back and the consumer exits, while the other rentals keep being claimed", async () => {
    const open = async (hours: number) => {
      const id = randomUUID();
      const box = await ec.openEscrow({
        provider: h.signer.address,
        rentalId: id.replaceAll("-", ""),
        pricePerHour: PRICE,
        hours,
      });
      const startHeight = parseEscrowBox(box, ec.deployment).startHeight;
      const rental = testRental({
        id,
        hours,
        pricePerHour: PRICE.toString(),
        escrowBoxId: box.boxId,
        startHeight,
      });
      h.marketplace.rentals.set(id, rental);
      return { id, box, startHeight };
    };
    const a = await open(3);
    const b = await open(6);
    const handle = await h.newAgent({
      periodSeconds: PERIOD_SECONDS,
      claimStaleSeconds: 0,
      settlement: settlement(),
    });
    // A rental whose escrow the chain cannot place at all (box unknown): every check of it throws.
    const broken = testRental({ pricePerHour: PRICE.toString() });
    await handle.ledger.addRental({
      rental: broken,
      providerId: h.providerId,
      terms: { periodSeconds: PERIOD_SECONDS, prepaidPeriods: 2, pricePerPeriod: PRICE },
      state: "Running",
    });
    await handle.ledger.recordMeter(broken.id, {
      startedAt: new Date(),
      finishedAt: null,
      runningSeconds: 2 * PERIOD_SECONDS,
      billedSeconds: 2 * PERIOD_SECONDS,
    });
    const periods = async (id: string) => (await handle.ledger.claimTotals(id)).periods;

    // Period 1 of A and B is claimed in one transaction despite the broken rental, and mined.
    await ec.mineTo(Math.max(a.startHeight, b.startHeight) + ec.blocksPerHour - 1);
    await h.tickUntil(handle.agent, async () => (await periods(a.id)) === 1 && (await periods(b.id)) === 1);
    expect(await metricValue(handle, "gpuc_executor_escrow_checks_failed_total")).toBeGreaterThan(0);
    await ec.chain.mine();
    expect((await escrowsOf(a.id))[0]).toMatchObject({ paidHours: 1 });

    // A reorg drops the claim for good; the consumer of A exits from the opening box before it is claimed again.
    const { droppedTxIds } = await ec.chain.devnet.rollback(1, { dropTransactions: true });
    expect(droppedTxIds.length).toBeGreaterThan(0);
    expect((await escrowsOf(a.id)).map((e) => [e.boxId, e.paidHours])).toEqual([[a.box.boxId, 0]]);
    await ec.exitEscrow((await ec.chain.client.unspentBox(a.box.boxId))!);

    // The same agent and settlement (remembering the dropped claim's boxes) carry on: A ends as closed
    // elsewhere, B's period 1 is claimed again and paid on chain.
    const paidOnChain = async () => (await escrowsOf(b.id))[0]?.paidHours ?? 0;
    await h.tickUntil(handle.agent, async () => {
      await ec.chain.mine();
      return (await handle.ledger.get(a.id))?.state === "Completed" && (await paidOnChain()) >= 1;
    });
    expect((await handle.ledger.get(a.id))?.detail).toMatch(/closed outside the executor/);
    await ec.chain.mine();
    const confirmed = await handle.db.query<{ period: number }>(
      "SELECT period FROM executor_claims WHERE instance_id = $1 AND status = 'confirmed' ORDER BY period",
      [b.id],
    );
    expect(confirmed.length).toBeLessThanOrEqual(await paidOnChain());
    expect((await handle.ledger.get(b.id))?.state).toBe("Running");

    await handle.ledger.finish(broken.id, "Failed");
    h.marketplace.rentals.set(b.id, { ...h.marketplace.rentals.get(b.id)!, state: "Stopping" });
    await h.tickUntil(handle.agent, async () => (await handle.ledger.get(b.id))?.state === "Completed");
    await ec.chain.mine();
  });
});

async function metricValue(handle: AgentHandle, name: string): Promise<number> {
  const text = await handle.metrics.registry.getSingleMetricAsString(name);
  return Number(text.trim().split("\n").at(-1)?.split(" ").at(-1));
}
