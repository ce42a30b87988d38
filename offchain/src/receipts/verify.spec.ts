import { randomUUID } from "node:crypto";
import type { Amount, Box } from "@fleet-sdk/common";
import { OutputBuilder, RECOMMENDED_MIN_FEE_VALUE, TransactionBuilder } from "@fleet-sdk/core";
import { hex } from "@fleet-sdk/crypto";
import { SByte, SColl } from "@fleet-sdk/serializer";
import {
  merkleProof,
  receiptBatchRoot,
  receiptLeaf,
  receiptMessage,
  type SignedReceipt,
  sortReceipts,
  type UsageReceipt,
} from "@gpuc/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildClaimTx } from "../protocol/escrow/claim.ts";
import { buildOpenEscrowTx } from "../protocol/escrow/open.ts";
import { parseEscrowBox } from "../protocol/escrow/registers.ts";
import { type Party, type RentalsChain, startRentalsChain } from "../protocol/escrow/testChain.ts";
import { Signer } from "../signing/signer.ts";
import { verifyReceipt } from "./verify.ts";

// verifyReceipt from the chain alone, as `gpuc instances receipts --verify` runs it: the settlement transaction and
// the boxes it spent read back from the devnet's node API, never from whoever served the receipt.

const PRICE = 1_000_000n;

let rc: RentalsChain;
let consumer: Party;
let provider: Party;

beforeAll(async () => {
  rc = await startRentalsChain();
  consumer = await rc.party({ gpuc: 100_000_000n });
  provider = await rc.party();
});
afterAll(() => rc?.stop());

function body(
  instanceId: string,
  escrowBoxId: string,
  period: number,
  address = provider.address,
): UsageReceipt {
  return {
    version: 1,
    instanceId,
    escrowBoxId,
    provider: address,
    period,
    periodStart: new Date(Date.UTC(2030, 0, 1, period - 1)).toISOString(),
    periodEnd: new Date(Date.UTC(2030, 0, 1, period)).toISOString(),
    seconds: 3600,
    imageDigest: `sha256:${"d".repeat(64)}`,
    gpus: [{ uuid: "GPU-1", model: "NVIDIA H100" }],
    gpuUtilization: { meanPct: 50, maxPct: 99 },
    gpuMemory: { meanMiB: 1000, maxMiB: 2000 },
    exitState: "running",
    issuedAt: new Date(Date.UTC(2030, 0, 1, period)).toISOString(),
  };
}

function sign(receipt: UsageReceipt, signer: Signer = provider.signer): SignedReceipt {
  return { receipt, signature: hex.encode(signer.signMessage(receiptMessage(receipt))) };
}

/** A rental's opening escrow of `hours`, its clock far enough on to claim them all. */
async function rental(hours: number) {
  const instanceId = randomUUID();
  const height = await rc.height();
  const tx = buildOpenEscrowTx({
    deployment: rc.deployment,
    consumer: consumer.address,
    provider: provider.address,
    pricePerHour: PRICE,
    prepaidHours: hours,
    startHeight: height,
    rentalId: instanceId.replaceAll("-", ""),
    height,
    inputs: await rc.unspent(consumer.address),
    changeAddress: consumer.address,
  });
  const signed = await rc.send(tx, consumer);
  const box = (await rc.chain.client.unspentBox(signed.outputs[0]!.boxId!))!;
  await rc.mineTo(parseEscrowBox(box, rc.deployment).startHeight + hours * rc.params.blocksPerHour);
  return { instanceId, box };
}

async function claim(escrowBox: Box<Amount>, hours: number, receiptsRoot: string): Promise<string> {
  const tx = buildClaimTx({
    deployment: rc.deployment,
    configBox: await rc.configBox(),
    height: await rc.height(),
    provider: provider.address,
    claims: [{ escrowBox, hours }],
    receiptsRoot,
    inputs: await rc.unspent(provider.address),
    changeAddress: provider.address,
  });
  return (await rc.send(tx, provider)).id;
}

/** What --verify reads from the node: the transaction and every box it spent. */
async function onChain(txId: string) {
  const tx = await rc.chain.client.transaction(txId);
  const spent = tx
    ? await Promise.all(tx.inputs.map(async (input) => (await rc.chain.client.indexedBox(input.boxId))!))
    : [];
  return { txId, tx, spent, deployment: rc.deployment };
}

/** Each receipt of a batch (in tree order) verified against the settlement `txId`. */
async function verifyAll(txId: string, receipts: readonly SignedReceipt[]) {
  const sorted = sortReceipts(receipts);
  const leaves = sorted.map(receiptLeaf);
  const chain = await onChain(txId);
  return sorted.map((signed, index) =>
    verifyReceipt({ ...chain, signed, proof: merkleProof(leaves, index) }),
  );
}

describe("verifyReceipt against the devnet", () => {
  it("Should verify each receipt of a claim by its signature, its proof and the payout's R5", async () => {
    const { instanceId, box } = await rental(2);
    const receipts = [sign(body(instanceId, box.boxId, 2)), sign(body(instanceId, box.boxId, 1))];
    const root = receiptBatchRoot(receipts);
    const verdicts = await verifyAll(await claim(box, 2, root), receipts);
    expect(verdicts).toEqual(sortReceipts(receipts).map((r) => ({ ok: true, leaf: receiptLeaf(r), root })));
  });

  it("Should say why a tampered receipt, one signed by another key, and a claim whose root matches no receipts fail", async () => {
    const { instanceId, box } = await rental(3);
    const honest = sign(body(instanceId, box.boxId, 1));
    const tampered = { ...honest, receipt: { ...honest.receipt, seconds: 3599 } };
    const intruder = Signer.random();
    const foreign = sign(body(instanceId, box.boxId, 2, intruder.address), intruder);
    const impostor = sign(body(instanceId, box.boxId, 3), intruder); // names the provider, signed by another key
    const batch = [tampered, foreign, impostor];
    const [t, f, i] = await verifyAll(await claim(box, 3, receiptBatchRoot(batch)), batch);
    expect(t).toMatchObject({
      ok: false,
      reason: expect.stringContaining("signature is not the provider's"),
    });
    expect(f).toMatchObject({ ok: false, reason: "the receipt names another provider than the escrow's" });
    expect(i).toMatchObject({
      ok: false,
      reason: expect.stringContaining("signature is not the provider's"),
    });

    const next = await rental(1);
    const good = [sign(body(next.instanceId, next.box.boxId, 1))];
    const [unmatched] = await verifyAll(await claim(next.box, 1, "ab".repeat(32)), good);
    expect(unmatched).toMatchObject({
      ok: false,
      reason: expect.stringContaining("Merkle proof does not lead"),
    });
  });

  it("Should refuse a payout lookalike that spent no escrow, and a transaction not on chain", async () => {
    const { instanceId, box } = await rental(1);
    const receipts = [sign(body(instanceId, box.boxId, 1))];
    const root = receiptBatchRoot(receipts);
    // Anyone can pay the provider a box with the escrow's id in R4 and a root in R5: it proves nothing.
    const lookalike = new TransactionBuilder(await rc.height())
      .from(await rc.unspent(consumer.address))
      .to(
        new OutputBuilder(1_000_000n, provider.address).setAdditionalRegisters({
          R4: SColl(SByte, box.boxId).toHex(),
          R5: SColl(SByte, root).toHex(),
        }),
      )
      .sendChangeTo(consumer.address)
      .payFee(RECOMMENDED_MIN_FEE_VALUE)
      .build()
      .toEIP12Object();
    const [forged] = await verifyAll((await rc.send(lookalike, consumer)).id, receipts);
    expect(forged).toMatchObject({
      ok: false,
      reason: expect.stringContaining("spent no escrow of instance"),
    });
    const [missing] = await verifyAll("00".repeat(32), receipts);
    expect(missing).toMatchObject({ ok: false, reason: `transaction ${"00".repeat(32)} is not on chain` });
  });
});
