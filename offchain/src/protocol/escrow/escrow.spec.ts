import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChainBox } from "../../chain/types.ts";
import { buildClaimTx } from "./claim.ts";
import { providerCloseCap, splitFee } from "./clock.ts";
import {
  buildArbiterResolveTx,
  buildConsumerExitTx,
  buildCooperativeCloseTx,
  buildExpireTx,
  buildProviderCloseTx,
} from "./close.ts";
import { buildExtendTx } from "./extend.ts";
import { buildOpenEscrowTx } from "./open.ts";
import { parseEscrowBox, payoutEscrowId } from "./registers.ts";
import { type Party, type RentalsChain, startRentalsChain } from "./testChain.ts";

const PRICE = 1_000_000n; // 1 GPUC per hour
const HOURS = 4;

let rc: RentalsChain;
let consumer: Party;
let provider: Party;

beforeAll(async () => {
  rc = await startRentalsChain();
  consumer = await rc.party({ gpuc: 100_000_000n });
  provider = await rc.party();
});
afterAll(() => rc?.stop());

/** Opens an escrow of HOURS at PRICE starting now; resolves to its box. */
async function open(rentalId: string, from: Party = consumer, to: Party = provider): Promise<ChainBox> {
  const height = await rc.height();
  const tx = buildOpenEscrowTx({
    deployment: rc.deployment,
    consumer: from.address,
    provider: to.address,
    pricePerHour: PRICE,
    prepaidHours: HOURS,
    startHeight: height,
    rentalId,
    height,
    inputs: await rc.unspent(from.address),
    changeAddress: from.address,
  });
  const signed = await rc.send(tx, from);
  return (await rc.chain.client.unspentBox(boxIdOf(signed, 0)))!;
}

function boxIdOf(signed: { outputs: { boxId?: string }[] }, index: number): string {
  return signed.outputs[index]!.boxId!;
}

async function base() {
  return { deployment: rc.deployment, configBox: await rc.configBox(), height: await rc.height() };
}

/** GPUC units at `address` in boxes tagged (R4) with `escrowBoxId`. */
async function paidFrom(address: string, escrowBoxId: string): Promise<bigint> {
  const boxes = await rc.unspent(address);
  return boxes
    .filter((box) => payoutEscrowId(box) === escrowBoxId)
    .reduce((sum, box) => sum + BigInt(box.assets[0]?.amount ?? 0), 0n);
}

function hoursStart(box: ChainBox): number {
  return parseEscrowBox(box, rc.deployment).startHeight;
}

describe("Rental Escrow on the devnet", () => {
  it("Should open an escrow that parseEscrowBox reads back", async () => {
    const box = await open("a1");
    const escrow = parseEscrowBox(box, rc.deployment);
    expect(escrow).toMatchObject({ pricePerHour: PRICE, prepaidHours: HOURS, paidHours: 0, rentalId: "a1" });
    expect(escrow.gpuc).toBe(PRICE * BigInt(HOURS));
    expect(escrow.fullyFunded).toBe(true);
    expect(escrow.parentBoxId).toBeUndefined();
  });

  it("Should let the provider claim elapsed hours, paying the fee to the treasury and recreating the rest", async () => {
    const box = await open("a2");
    await rc.mineTo(hoursStart(box) + 2 * rc.params.blocksPerHour - 1); // 2 hours elapsed at the next block
    const tx = buildClaimTx({
      ...(await base()),
      provider: provider.address,
      claims: [{ escrowBox: box }],
      inputs: await rc.unspent(provider.address),
      changeAddress: provider.address,
    });
    const signed = await rc.send(tx, provider);
    const { fee, net } = splitFee(2n * PRICE, rc.params.feeBps);
    expect(await paidFrom(provider.address, box.boxId)).toBe(net);
    expect(await paidFrom(rc.treasury.address, box.boxId)).toBe(fee);
    const recreated = parseEscrowBox((await rc.chain.client.unspentBox(boxIdOf(signed, 2)))!, rc.deployment);
    expect(recreated).toMatchObject({
      paidHours: 2,
      prepaidHours: HOURS,
      rentalId: "a2",
      parentBoxId: box.boxId,
    });
    expect(recreated.gpuc).toBe(2n * PRICE);
  });

  it("Should claim several escrows of one provider in one transaction", async () => {
    const boxes = [await open("b1"), await open("b2"), await open("b3")];
    await rc.mineTo(hoursStart(boxes[2]!) + rc.params.blocksPerHour - 1);
    const tx = buildClaimTx({
      ...(await base()),
      provider: provider.address,
      claims: boxes.map((escrowBox) => ({ escrowBox, hours: 1 })),
      inputs: await rc.unspent(provider.address),
      changeAddress: provider.address,
    });
    await rc.send(tx, provider);
    const { net } = splitFee(PRICE, rc.params.feeBps);
    for (const box of boxes) expect(await paidFrom(provider.address, box.boxId)).toBe(net);
  });

  it("Should close the escrow on the last claim and leave nothing to claim again", async () => {
    const box = await open("c1");
    await rc.mineTo(hoursStart(box) + HOURS * rc.params.blocksPerHour);
    const claimAll = async (escrowBox: ChainBox) =>
      buildClaimTx({
        ...(await base()),
        provider: provider.address,
        claims: [{ escrowBox, hours: HOURS }],
        inputs: await rc.unspent(provider.address),
        changeAddress: provider.address,
      });
    const tx = await claimAll(box);
    const signed = await rc.send(tx, provider);
    expect(
      signed.outputs.some((output) => output.ergoTree === rc.deployment.contracts.rentalEscrow.ergoTree),
    ).toBe(false);
    expect(await rc.chain.client.unspentBox(box.boxId)).toBeUndefined();
    // Replay: the same signed claim again is refused, the escrow box is spent and nothing replaced it.
    await expect(rc.chain.client.submit(signed)).rejects.toThrow(/spent|not found|unknown/i);
  });

  it("Should let the consumer extend the rental with more GPUC", async () => {
    const box = await open("d1");
    const tx = buildExtendTx({
      ...(await base()),
      consumer: consumer.address,
      escrowBox: box,
      hours: 3,
      inputs: await rc.unspent(consumer.address),
      changeAddress: consumer.address,
    });
    const signed = await rc.send(tx, consumer);
    const extended = parseEscrowBox((await rc.chain.client.unspentBox(boxIdOf(signed, 0)))!, rc.deployment);
    expect(extended).toMatchObject({ prepaidHours: HOURS + 3, paidHours: 0, startHeight: hoursStart(box) });
    expect(extended.gpuc).toBe(PRICE * BigInt(HOURS + 3));
  });

  it("Should settle a cooperative close with any split, the fee on the provider's share", async () => {
    const box = await open("e1");
    const share = 1_250_000n;
    const tx = buildCooperativeCloseTx({
      ...(await base()),
      escrowBox: box,
      providerShare: share,
      inputs: await rc.unspent(consumer.address),
      changeAddress: consumer.address,
    });
    await rc.send(tx, consumer, provider);
    const { fee, net } = splitFee(share, rc.params.feeBps);
    expect(await paidFrom(provider.address, box.boxId)).toBe(net);
    expect(await paidFrom(rc.treasury.address, box.boxId)).toBe(fee);
    expect(await paidFrom(consumer.address, box.boxId)).toBe(PRICE * BigInt(HOURS) - share);
  });

  it("Should let the consumer exit alone, paying every started hour", async () => {
    const box = await open("f1");
    await rc.mineTo(hoursStart(box) + rc.params.blocksPerHour); // the next block is inside hour 2
    const tx = buildConsumerExitTx({
      ...(await base()),
      consumer: consumer.address,
      escrowBox: box,
      inputs: await rc.unspent(consumer.address),
      changeAddress: consumer.address,
    });
    await rc.send(tx, consumer);
    const { net } = splitFee(2n * PRICE, rc.params.feeBps);
    expect(await paidFrom(provider.address, box.boxId)).toBe(net);
    expect(await paidFrom(consumer.address, box.boxId)).toBe(PRICE * BigInt(HOURS - 2));
  });

  it("Should let the provider close alone, taking at most the elapsed blocks pro rata and refunding the rest", async () => {
    const box = await open("0c01");
    const bph = rc.params.blocksPerHour;
    // Claim hour 1, then close inside hour 2: at the next block 1 hour + 2 blocks have elapsed.
    await rc.mineTo(hoursStart(box) + bph - 1);
    const claimed = await rc.send(
      buildClaimTx({
        ...(await base()),
        provider: provider.address,
        claims: [{ escrowBox: box, hours: 1 }],
        inputs: await rc.unspent(provider.address),
        changeAddress: provider.address,
      }),
      provider,
    );
    const recreated = (await rc.chain.client.unspentBox(boxIdOf(claimed, 2)))!;
    await rc.mineTo(hoursStart(box) + bph + 1);
    const escrow = parseEscrowBox(recreated, rc.deployment);
    const cap = providerCloseCap(escrow, (await rc.height()) + 1, bph);
    expect(cap).toBe((PRICE * 2n) / BigInt(bph)); // 2 blocks of hour 2, pro rata
    const tx = buildProviderCloseTx({
      ...(await base()),
      provider: provider.address,
      escrowBox: recreated,
      providerShare: cap,
      inputs: await rc.unspent(provider.address),
      changeAddress: provider.address,
    });
    await rc.send(tx, provider);
    const { fee, net } = splitFee(cap, rc.params.feeBps);
    expect(await paidFrom(provider.address, recreated.boxId)).toBe(net);
    expect(await paidFrom(rc.treasury.address, recreated.boxId)).toBe(fee);
    expect(await paidFrom(consumer.address, recreated.boxId)).toBe(PRICE * BigInt(HOURS - 1) - cap);
    expect(await rc.chain.client.unspentBox(recreated.boxId)).toBeUndefined();
  });

  it("Should let the arbiter resolve with any split", async () => {
    const box = await open("0a01");
    const tx = buildArbiterResolveTx({
      ...(await base()),
      escrowBox: box,
      providerShare: 0n,
      inputs: await rc.unspent(consumer.address),
      changeAddress: consumer.address,
    });
    await rc.send(tx, consumer, rc.arbiter);
    expect(await paidFrom(consumer.address, box.boxId)).toBe(PRICE * BigInt(HOURS));
    expect(await paidFrom(provider.address, box.boxId)).toBe(0n);
  });

  it("Should let anyone expire the escrow after the prepaid time and the grace, paying the provider", async () => {
    const box = await open("0b01");
    const keeper = await rc.party();
    await rc.mineTo(hoursStart(box) + HOURS * rc.params.blocksPerHour + rc.params.disputeGraceBlocks - 1);
    const tx = buildExpireTx({
      ...(await base()),
      escrowBox: box,
      inputs: await rc.unspent(keeper.address),
      changeAddress: keeper.address,
    });
    await rc.send(tx, keeper);
    const { fee, net } = splitFee(PRICE * BigInt(HOURS), rc.params.feeBps);
    expect(await paidFrom(provider.address, box.boxId)).toBe(net);
    expect(await paidFrom(rc.treasury.address, box.boxId)).toBe(fee);
  });
});
