import { randomUUID } from "node:crypto";
import { escrowRegisters, parseEscrowBox, Signer } from "@gpuc/offchain";
import { createLogger } from "@gpuc/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChainSettlement } from "../src/settlement/chain-settlement.ts";
import { HARNESS_PROVIDER_SECRET, type Harness, startHarness } from "../src/testing/agent-harness.ts";
import { type EscrowChain, type OpenEscrowTx, startEscrowChain } from "../src/testing/escrow-chain.ts";
import { testRental } from "../src/testing/rentals.ts";

// The executor checks each rental's escrow on the devnet before serving it, and takes its billing terms from the
// chain: the marketplace only names the escrow (review findings 1, 2 and 7).

const PRICE = 1_000_000n; // 1 GPUC per period
const PERIOD_SECONDS = 6;

let h: Harness;
let ec: EscrowChain;

beforeAll(async () => {
  h = await startHarness("take_on");
  ec = await startEscrowChain();
  await ec.chain.devnet.faucet(h.signer.address, { nanoErgs: 10_000_000_000n });
  await ec.mineTo(40); // room below the tip for a backdated escrow
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

/** Opens an escrow for a new rental id (options as `openEscrow`), to this executor's provider by default. */
async function open(options: Partial<Parameters<EscrowChain["openEscrow"]>[0]> = {}) {
  const id = randomUUID();
  const box = await ec.openEscrow({
    provider: h.signer.address,
    rentalId: id.replaceAll("-", ""),
    pricePerHour: PRICE,
    hours: 2,
    ...options,
  });
  return { id, box, escrow: parseEscrowBox(box, ec.deployment) };
}

/** Lists a rental at the marketplace with the marketplace's (possibly wrong) terms. */
function list(id: string, escrowBoxId: string, overrides: { hours?: number; pricePerHour?: string } = {}) {
  const rental = testRental({
    id,
    escrowBoxId,
    hours: overrides.hours ?? 2,
    pricePerHour: overrides.pricePerHour ?? PRICE.toString(),
    startHeight: 11,
  });
  h.marketplace.rentals.set(id, rental);
  return rental;
}

describe("Taking a rental on: the escrow checked on chain", () => {
  it("Should refuse escrows it must not serve — a far-future or backdated start, another provider, under-funded, a forged top-up — without starting them", async () => {
    const height = await ec.chain.client.height();
    const future = await open({ startHeight: height + 1_000_000 });
    const backdated = await open({ startHeight: height - 20 });
    const stranger = await open({ provider: Signer.random().address });
    const underFunded = await open({
      tamper: (tx) => {
        tx.outputs[0]!.assets[0]!.amount = PRICE.toString(); // one of the two prepaid hours; the rest burnt
      },
    });
    // The review's attack: a genuine 1-hour escrow E, then a plain transaction (spending no escrow) creating a
    // box at the escrow address that names E as its parent, with 10,000 hours and a far start, for 1 unit.
    const genuine = await open({ hours: 1 });
    const forge = (tx: OpenEscrowTx) => {
      const output = tx.outputs[0]!;
      const change = tx.outputs.at(-1)!;
      output.assets[0]!.amount = "1";
      // R8 makes the box larger: move some ERG from the change so it stays above the minimum box value.
      output.value = (BigInt(output.value) + 100_000n).toString();
      change.value = (BigInt(change.value) - 100_000n).toString();
      output.additionalRegisters = escrowRegisters({
        consumerRegister: output.additionalRegisters.R4!,
        providerRegister: output.additionalRegisters.R5!,
        terms: { pricePerHour: PRICE, startHeight: height + 1_000_000, prepaidHours: 10_000, paidHours: 0 },
        rentalId: genuine.id.replaceAll("-", ""),
        parentBoxId: genuine.box.boxId,
      });
    };
    const fake = await ec.openEscrow({
      provider: h.signer.address,
      rentalId: genuine.id.replaceAll("-", ""),
      pricePerHour: PRICE,
      hours: 1,
      tamper: forge,
    });
    expect(parseEscrowBox(fake, ec.deployment)).toMatchObject({ parentBoxId: genuine.box.boxId });

    const refused = [
      [future.id, future.box.boxId, /startHeight \d+ is not within/],
      [backdated.id, backdated.box.boxId, /startHeight \d+ is not within/],
      [stranger.id, stranger.box.boxId, /names another provider/],
      [underFunded.id, underFunded.box.boxId, /less than the 2000000 its 2 unpaid prepaid hours need/],
      [genuine.id, fake.boxId, /no transaction spending that escrow recreated it/],
    ] as const;
    for (const [id, boxId] of refused) list(id, boxId, { hours: 10_000 });
    const { agent, ledger } = await h.newAgent({ periodSeconds: PERIOD_SECONDS, settlement: settlement() });
    await h.tickUntil(agent, async () => {
      const rows = await Promise.all(refused.map(([id]) => ledger.get(id)));
      return rows.every((row) => row?.state === "Failed");
    });

    const containers = new Set((await h.runtime.listManaged(h.providerId)).map((c) => c.instanceId));
    for (const [id, , detail] of refused) {
      const row = (await ledger.get(id))!;
      expect(row).toMatchObject({ stopReason: "provider_rejected", containerId: null, billedSeconds: 0 });
      expect(row.detail).toMatch(detail);
      expect(containers.has(id)).toBe(false);
      const events = h.marketplace.events.filter((e) => e.instanceId === id).map((e) => e.event);
      expect(events).toEqual([
        { state: "Starting" },
        { state: "Failed", reason: "provider_rejected", detail: row.detail, billedSeconds: 0 },
      ]);
    }
    // Refusing touched no escrow: each is still on chain as it was opened.
    for (const { box } of [future, backdated, stranger, underFunded, genuine]) {
      expect(await ec.chain.client.unspentBox(box.boxId)).toBeDefined();
    }
  });

  it("Should bill by the chain's terms, not the marketplace's, and keep running past the prepaid time when the consumer tops up", async () => {
    const rental = await open({ hours: 1 });
    // The marketplace claims 10 hours at 5 GPUC; the escrow holds 1 hour at 1 GPUC.
    list(rental.id, rental.box.boxId, { hours: 10, pricePerHour: (5n * PRICE).toString() });
    const { agent, ledger } = await h.newAgent({ periodSeconds: PERIOD_SECONDS, settlement: settlement() });
    await h.tickUntil(agent, async () => (await ledger.get(rental.id))?.state === "Running");
    const taken = (await ledger.get(rental.id))!;
    expect(taken.terms).toEqual({ periodSeconds: PERIOD_SECONDS, prepaidPeriods: 1, pricePerPeriod: PRICE });
    expect(taken.rental).toMatchObject({
      escrowBoxId: rental.box.boxId,
      startHeight: rental.escrow.startHeight,
    });

    // The consumer adds an hour on chain; the marketplace is not told. The rental runs on past 1 period.
    const extended = await ec.extendEscrow(rental.box, 1);
    expect(parseEscrowBox(extended, ec.deployment)).toMatchObject({
      prepaidHours: 2,
      parentBoxId: rental.box.boxId,
    });
    await h.tickUntil(
      agent,
      async () => ((await ledger.get(rental.id))?.billedSeconds ?? 0) > PERIOD_SECONDS + 1,
    );
    const row = (await ledger.get(rental.id))!;
    expect(row.state).toBe("Running");
    expect(row.terms.prepaidPeriods).toBe(2);

    // A settlement asked about the later box finds the opening box and the topped-up terms.
    expect(
      await settlement().verify({
        instanceId: rental.id,
        escrowBoxId: extended.boxId,
        startHeight: 0,
        prepaidPeriods: 99,
        pricePerPeriod: 1n,
      }),
    ).toEqual({
      instanceId: rental.id,
      escrowBoxId: rental.box.boxId,
      startHeight: rental.escrow.startHeight,
      prepaidPeriods: 2,
      pricePerPeriod: PRICE,
    });

    // It stops at the topped-up end (2 periods), not before.
    await ec.mineTo(rental.escrow.startHeight + 2 * ec.blocksPerHour);
    await h.tickUntil(agent, async () => (await ledger.get(rental.id))?.state === "Completed", 40_000);
    const done = (await ledger.get(rental.id))!;
    expect(done.stopReason).toBe("funds_exhausted");
    expect(done.billedSeconds).toBe(2 * PERIOD_SECONDS);
    await ec.chain.mine();
  });
});
