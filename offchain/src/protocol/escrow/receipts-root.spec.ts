import { hex } from "@fleet-sdk/crypto";
import {
  merkleProof,
  receiptBatchRoot,
  receiptLeaf,
  receiptMessage,
  receiptSignatureValid,
  type SignedReceipt,
  sortReceipts,
  type UsageReceipt,
  verifyMerkleProof,
} from "@gpuc/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChainBox } from "../../chain/types.ts";
import { verifyMessage } from "../../signing/signer.ts";
import { InvalidRentalArgumentError } from "../errors/invalidRentalArgument.ts";
import { buildClaimTx } from "./claim.ts";
import { providerCloseCap } from "./clock.ts";
import { buildProviderCloseTx } from "./close.ts";
import { buildOpenEscrowTx } from "./open.ts";
import { parseEscrowBox, payoutEscrowId, payoutReceiptsRoot } from "./registers.ts";
import { type Party, type RentalsChain, startRentalsChain } from "./testChain.ts";

// The provider payout of a claim or provider close carries the Merkle root of the usage receipts it pays for in
// R5; the escrow contract does not read R5, so the transaction validates on the devnet (ergo-lib) as before.

const PRICE = 1_000_000n;
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

async function open(rentalId: string): Promise<ChainBox> {
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
  return (await rc.chain.client.unspentBox(signed.outputs[0]!.boxId!))!;
}

async function base() {
  return { deployment: rc.deployment, configBox: await rc.configBox(), height: await rc.height() };
}

function receipt(escrowBoxId: string, instance: number, period: number): SignedReceipt {
  const body: UsageReceipt = {
    version: 1,
    instanceId: `00000000-0000-4000-8000-00000000000${instance}`,
    escrowBoxId,
    provider: provider.address,
    period,
    periodStart: new Date(Date.UTC(2030, 0, 1, period - 1)).toISOString(),
    periodEnd: new Date(Date.UTC(2030, 0, 1, period)).toISOString(),
    seconds: 3600,
    imageDigest: `sha256:${"c".repeat(64)}`,
    gpus: [],
    gpuUtilization: { meanPct: 0, maxPct: 0 },
    gpuMemory: { meanMiB: 0, maxMiB: 0 },
    exitState: "running",
    issuedAt: new Date(Date.UTC(2030, 0, 1, period)).toISOString(),
  };
  return { receipt: body, signature: hex.encode(provider.signer.signMessage(receiptMessage(body))) };
}

describe("Receipts root in the provider payout (R5) on the devnet", () => {
  it("Should put one batch's root in every provider payout of a two-escrow claim, and each receipt proves against it", async () => {
    const boxes = [await open("e1"), await open("e2")];
    await rc.mineTo(parseEscrowBox(boxes[1]!, rc.deployment).startHeight + 2 * rc.params.blocksPerHour - 1);
    const receipts = [
      receipt(boxes[1]!.boxId, 2, 2),
      receipt(boxes[0]!.boxId, 1, 1),
      receipt(boxes[0]!.boxId, 1, 2),
      receipt(boxes[1]!.boxId, 2, 1),
    ];
    const root = receiptBatchRoot(receipts);
    const tx = buildClaimTx({
      ...(await base()),
      provider: provider.address,
      claims: boxes.map((escrowBox) => ({ escrowBox, hours: 2 })),
      receiptsRoot: root,
      inputs: await rc.unspent(provider.address),
      changeAddress: provider.address,
    });
    const signed = await rc.send(tx, provider);
    const onChain = await Promise.all(signed.outputs.map((o) => rc.chain.client.unspentBox(o.boxId!)));
    const providerTree = parseEscrowBox(boxes[0]!, rc.deployment).provider;
    const providerPayouts = onChain.filter(
      (box) => box && box.ergoTree === providerTree && payoutEscrowId(box),
    );
    expect(providerPayouts).toHaveLength(2);
    for (const box of providerPayouts) expect(payoutReceiptsRoot(box!)).toBe(root);
    const treasuryPayouts = onChain.filter(
      (box) => box?.ergoTree !== providerTree && box && payoutEscrowId(box),
    );
    expect(treasuryPayouts.length).toBeGreaterThan(0);
    for (const box of treasuryPayouts) expect(payoutReceiptsRoot(box!)).toBeUndefined();

    const leaves = sortReceipts(receipts).map(receiptLeaf);
    for (const [index, leaf] of leaves.entries()) {
      expect(verifyMerkleProof(leaf, merkleProof(leaves, index), root)).toBe(true);
    }
    for (const r of receipts) expect(receiptSignatureValid(r, verifyMessage)).toBe(true);
  });

  it("Should put the root in a provider close's payout", async () => {
    const box = await open("e3");
    await rc.mineTo(parseEscrowBox(box, rc.deployment).startHeight + 2);
    const escrow = parseEscrowBox(box, rc.deployment);
    const share = providerCloseCap(escrow, (await rc.height()) + 1, rc.params.blocksPerHour);
    const only = receipt(box.boxId, 3, 1);
    const root = receiptBatchRoot([only]);
    const signed = await rc.send(
      buildProviderCloseTx({
        ...(await base()),
        provider: provider.address,
        escrowBox: box,
        providerShare: share,
        receiptsRoot: root,
        inputs: await rc.unspent(provider.address),
        changeAddress: provider.address,
      }),
      provider,
    );
    const payout = (await rc.chain.client.unspentBox(signed.outputs[0]!.boxId!))!;
    expect(payoutEscrowId(payout)).toBe(box.boxId);
    expect(payoutReceiptsRoot(payout)).toBe(root);
    expect(root).toBe(receiptLeaf(only)); // one receipt: the root is its leaf
  });

  it("Should leave R5 empty without a root and refuse a root that is not 32 bytes", async () => {
    const box = await open("e4");
    await rc.mineTo(parseEscrowBox(box, rc.deployment).startHeight + rc.params.blocksPerHour - 1);
    const claim = async (receiptsRoot?: string) =>
      buildClaimTx({
        ...(await base()),
        provider: provider.address,
        claims: [{ escrowBox: box, hours: 1 }],
        receiptsRoot,
        inputs: await rc.unspent(provider.address),
        changeAddress: provider.address,
      });
    await expect(claim("ab".repeat(31))).rejects.toThrow(InvalidRentalArgumentError);
    const signed = await rc.send(await claim(), provider);
    expect(payoutReceiptsRoot(signed.outputs[0]!)).toBeUndefined();
    expect(payoutEscrowId(signed.outputs[0]!)).toBe(box.boxId);
  });
});
