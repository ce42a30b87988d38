import type { EIP12UnsignedTransaction } from "@fleet-sdk/common";
import { type FleetPlugin, RECOMMENDED_MIN_FEE_VALUE, TransactionBuilder } from "@fleet-sdk/core";
import { EscrowAction } from "@gpuc/ergoscript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChainBox } from "../../chain/types.ts";
import { nodeEscrowView } from "../lineage/nodeView.ts";
import { type LineageView, spenderOf } from "../lineage/view.ts";
import { buildClaimTx, claimEscrows } from "./claim.ts";
import { buildConsumerExitTx, consumerExit } from "./close.ts";
import { NotASuccessorError } from "./errors/notASuccessor.ts";
import { buildExtendTx } from "./extend.ts";
import { escrowOrigin, escrowSuccessor, followEscrow } from "./lineage.ts";
import { buildOpenEscrowTx } from "./open.ts";
import { type EscrowState, parseEscrowBox } from "./registers.ts";
import { recreatedEscrow } from "./settlement.ts";
import { type Party, type RentalsChain, startRentalsChain } from "./testChain.ts";

// The escrow lineage walked over the devnet (full ergo-lib validation): through the node, mempool included, and
// as an index of boxes sees it (no spending proofs). Each forged successor is a valid transaction the chain
// accepts: a box at the escrow address naming a real escrow, which no script can stop.

const PRICE = 1_000_000n;
const HOURS = 4;

let rc: RentalsChain;
let consumer: Party;
let provider: Party;
let seq = 0;

beforeAll(async () => {
  rc = await startRentalsChain();
  consumer = await rc.party({ gpuc: 100_000_000n });
  provider = await rc.party({ gpuc: 100_000_000n });
});
afterAll(() => rc?.stop());

const node = (): LineageView => nodeEscrowView(rc.chain.client, rc.deployment);

/** The chain as the marketplace's index holds it: the same boxes and spends, without the spends' extensions. */
function index(): LineageView {
  const view = node();
  return {
    box: (boxId) => view.box(boxId),
    async whereabouts(boxId) {
      const where = await view.whereabouts(boxId);
      return where?.status === "spent"
        ? { status: "spent", by: { ...where.by, extension: undefined } }
        : where;
    },
  };
}

async function base() {
  return { deployment: rc.deployment, configBox: await rc.configBox(), height: await rc.height() };
}

const read = (box: ChainBox): EscrowState => parseEscrowBox(box, rc.deployment);

/** Opens an escrow of HOURS at PRICE starting now; resolves to its box and rental id. */
async function open(): Promise<{ box: ChainBox; rentalId: string }> {
  const rentalId = (++seq).toString(16).padStart(4, "0");
  const height = await rc.height();
  const tx = buildOpenEscrowTx({
    deployment: rc.deployment,
    consumer: consumer.address,
    provider: provider.address,
    pricePerHour: PRICE,
    prepaidHours: HOURS,
    startHeight: height,
    rentalId,
    height,
    inputs: await rc.unspent(consumer.address),
    changeAddress: consumer.address,
  });
  const signed = await rc.send(tx, consumer);
  return { box: (await rc.chain.client.unspentBox(signed.outputs[0]!.boxId))!, rentalId };
}

/** The escrow box a transaction recreated (R8 = `parent`). */
function recreatedIn(signed: { outputs: ChainBox[] }, parent: string): ChainBox {
  const escrows = signed.outputs.filter(
    (output) => output.ergoTree === rc.deployment.contracts.rentalEscrow.ergoTree,
  );
  return escrows.find((output) => read(output).parentBoxId === parent)!;
}

async function claimOne(box: ChainBox): Promise<ChainBox> {
  await rc.mineTo(read(box).startHeight + (read(box).paidHours + 1) * rc.params.blocksPerHour - 1);
  const tx = buildClaimTx({
    ...(await base()),
    provider: provider.address,
    claims: [{ escrowBox: box, hours: 1 }],
    inputs: await rc.unspent(provider.address),
    changeAddress: provider.address,
  });
  return recreatedIn(await rc.send(tx, provider), box.boxId);
}

async function extend(box: ChainBox, hours: number): Promise<ChainBox> {
  const tx = buildExtendTx({
    ...(await base()),
    consumer: consumer.address,
    escrowBox: box,
    hours,
    inputs: await rc.unspent(consumer.address),
    changeAddress: consumer.address,
  });
  return recreatedIn(await rc.send(tx, consumer), box.boxId);
}

/** A transaction of `party`'s with `extra` outputs before those of `plugin`. */
async function withOutputsBefore(
  party: Party,
  extra: ReturnType<typeof recreatedEscrow>[],
  plugin: FleetPlugin,
): Promise<EIP12UnsignedTransaction> {
  return new TransactionBuilder(await rc.height())
    .from(await rc.unspent(party.address))
    .to(extra)
    .extend(plugin)
    .sendChangeTo(party.address)
    .payFee(RECOMMENDED_MIN_FEE_VALUE)
    .build()
    .toEIP12Object();
}

/** A box exactly like the one claiming an hour of `escrow` recreates, paid from the signer's own GPUC. */
function claimCopy(escrow: EscrowState) {
  return recreatedEscrow(
    escrow,
    escrow.gpuc - PRICE,
    { ...escrow, paidHours: escrow.paidHours + 1 },
    rc.deployment,
  );
}

async function refusal(boxId: string): Promise<NotASuccessorError> {
  const error = await escrowOrigin(node(), boxId, { deployment: rc.deployment }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(NotASuccessorError);
  return error as NotASuccessorError;
}

describe("Escrow lineage on the devnet", () => {
  it("Should walk an honest lineage — claim, top-up, claim, exit — forward and back, through the node and an index", async () => {
    const { box: opened, rentalId } = await open();
    const first = await claimOne(opened);
    const topped = await extend(first, 2);
    const last = await claimOne(topped);
    const options = { deployment: rc.deployment, rentalId };

    for (const view of [node(), index()]) {
      const followed = await followEscrow(view, opened.boxId, options);
      expect(followed).toMatchObject({ status: "unspent", escrow: { boxId: last.boxId, paidHours: 2 } });
      expect(followed.steps.map((step) => [step.action, step.hours])).toEqual([
        [EscrowAction.claim, 1],
        [EscrowAction.extend, 2],
        [EscrowAction.claim, 1],
      ]);
      const origin = await escrowOrigin(view, last.boxId, options);
      expect(origin.escrow.boxId).toBe(opened.boxId);
      expect(origin.inclusionHeight).toBe((await rc.chain.client.indexedBox(opened.boxId))!.inclusionHeight);
    }

    const exit = buildConsumerExitTx({
      ...(await base()),
      consumer: consumer.address,
      escrowBox: last,
      inputs: await rc.unspent(consumer.address),
      changeAddress: consumer.address,
    });
    await rc.send(exit, consumer);
    for (const view of [node(), index()]) {
      expect(await followEscrow(view, first.boxId, options)).toMatchObject({
        status: "closed",
        escrow: { boxId: last.boxId },
      });
    }
  });

  it("Should follow spends still in the mempool, and find the pinned successor in a signed transaction", async () => {
    const { box: opened } = await open();
    await rc.mineTo(read(opened).startHeight + rc.params.blocksPerHour - 1);
    const claim = buildClaimTx({
      ...(await base()),
      provider: provider.address,
      claims: [{ escrowBox: opened, hours: 1 }],
      inputs: await rc.unspent(provider.address),
      changeAddress: provider.address,
    });
    const signed = await provider.signer.sign(claim, rc.chain.client);
    await rc.chain.client.submit(signed);

    const followed = await followEscrow(node(), opened.boxId, { deployment: rc.deployment });
    expect(followed.status).toBe("unspent");
    expect(followed.escrow).toMatchObject({ paidHours: 1, parentBoxId: opened.boxId });
    expect(followed.inclusionHeight).toBeUndefined();
    const spender = spenderOf(signed, opened.boxId);
    expect(escrowSuccessor(read(opened), spender, { deployment: rc.deployment })?.escrow.boxId).toBe(
      followed.escrow.boxId,
    );
    await rc.chain.mine();

    // A closing spend of a confirmed escrow, still in the mempool, closes the lineage.
    const recreated = (await rc.chain.client.unspentBox(followed.escrow.boxId))!;
    const exit = buildConsumerExitTx({
      ...(await base()),
      consumer: consumer.address,
      escrowBox: recreated,
      inputs: await rc.unspent(consumer.address),
      changeAddress: consumer.address,
    });
    await rc.chain.client.submit(await consumer.signer.sign(exit, rc.chain.client));
    expect((await followEscrow(node(), opened.boxId, { deployment: rc.deployment })).status).toBe("closed");
    await rc.chain.mine();
  });

  it("Should refuse a box naming the escrow that a plain transaction created, even one shaped like a claim", async () => {
    const { box: opened } = await open();
    const escrow = read(opened);
    const forge = new TransactionBuilder(await rc.height())
      .from(await rc.unspent(consumer.address))
      .to(claimCopy(escrow))
      .sendChangeTo(consumer.address)
      .payFee(RECOMMENDED_MIN_FEE_VALUE)
      .build()
      .toEIP12Object();
    const forged = recreatedIn(await rc.send(forge, consumer), opened.boxId);

    expect((await refusal(forged.boxId)).detail).toMatch(/no transaction spending that escrow recreated it/);
    for (const view of [node(), index()]) {
      const followed = await followEscrow(view, opened.boxId, { deployment: rc.deployment });
      expect(followed).toMatchObject({ status: "unspent", escrow: { boxId: opened.boxId } });
    }
  });

  it("Should refuse a box a closing spend left naming the escrow", async () => {
    const { box: opened } = await open();
    const escrow = read(opened);
    // The consumer exits and, in the same transaction, leaves a box naming the escrow with one more hour paid.
    const exit = consumerExit({ ...(await base()), consumer: consumer.address, escrowBox: opened });
    const signed = await rc.send(await withOutputsBefore(consumer, [claimCopy(escrow)], exit), consumer);
    const left = recreatedIn(signed, opened.boxId);

    expect((await refusal(left.boxId)).detail).toMatch(/consumerExit, which recreates none/);
    expect(await followEscrow(node(), opened.boxId, { deployment: rc.deployment })).toMatchObject({
      status: "closed",
      escrow: { boxId: opened.boxId },
    });
  });

  it("Should follow the output a claim pins, not a copy of it placed before the escrow's outputs", async () => {
    const { box: opened } = await open();
    const escrow = read(opened);
    await rc.mineTo(escrow.startHeight + rc.params.blocksPerHour - 1);
    const claim = claimEscrows({
      ...(await base()),
      provider: provider.address,
      claims: [{ escrowBox: opened, hours: 1 }],
    });
    const signed = await rc.send(await withOutputsBefore(provider, [claimCopy(escrow)], claim), provider);
    const [copy, pinned] = signed.outputs.filter((output) => output.ergoTree === opened.ergoTree);
    expect(read(copy!)).toMatchObject({ paidHours: 1, gpuc: escrow.gpuc - PRICE, parentBoxId: opened.boxId });

    const followed = await followEscrow(node(), opened.boxId, { deployment: rc.deployment });
    expect(followed.escrow.boxId).toBe(pinned!.boxId);
    expect((await refusal(copy!.boxId)).detail).toMatch(
      /not the output the spend's context variables point at/,
    );
    expect((await escrowOrigin(node(), pinned!.boxId, { deployment: rc.deployment })).escrow.boxId).toBe(
      opened.boxId,
    );
  });
});
