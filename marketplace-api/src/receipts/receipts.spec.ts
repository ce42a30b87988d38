import { randomBytes } from "node:crypto";
import { buildClaimTx, buildProviderCloseTx } from "@gpuc/offchain";
import {
  canonicalJson,
  instanceReceiptsResponse,
  instanceSchema,
  receiptBatchAckSchema,
  receiptBatchRoot,
  receiptLeaf,
  receiptMismatchesResponse,
  type SignedReceipt,
  type UsageReceipt,
} from "@gpuc/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Followups, PRICE, type Rig, startFollowups } from "../testing/followups.ts";
import { ok, problemOf } from "../testing/harness.ts";
import { TestWallet } from "../testing/wallet.ts";

const HOUR_S = 3600;
const DIGEST = `sha256:${"ab".repeat(32)}`;

/** The receipt of one full billing period of `instanceId`, on the rental's lineage and its provider. */
function receiptOf(instanceId: string, escrowBoxId: string, provider: string, period: number): UsageReceipt {
  const start = new Date(Date.UTC(2030, 0, 1, period - 1));
  return {
    version: 1,
    instanceId,
    escrowBoxId,
    provider,
    period,
    periodStart: start.toISOString(),
    periodEnd: new Date(start.getTime() + HOUR_S * 1000).toISOString(),
    seconds: HOUR_S,
    imageDigest: DIGEST,
    gpus: [{ uuid: "GPU-1", model: "NVIDIA H100" }],
    gpuUtilization: { meanPct: 91.5, maxPct: 100 },
    gpuMemory: { meanMiB: 40_000, maxMiB: 52_000 },
    exitState: "running",
    issuedAt: new Date(start.getTime() + HOUR_S * 1000).toISOString(),
  };
}

function signedBy(wallet: TestWallet, receipt: UsageReceipt): SignedReceipt {
  return { receipt, signature: wallet.sign(canonicalJson(receipt)) };
}

// The marketplace side of usage receipts, on a deployed protocol: batches pushed per claim, served with proofs and
// checks, reconciled against the payout boxes' R5 roots, named by disputes and resolutions.
describe("Usage receipts on the marketplace (devnet + PostgreSQL)", () => {
  let f: Followups;
  let rig: Rig;
  let instanceId: string;
  let openingBoxId: string;
  let escrowBoxId: string;
  const txIds: string[] = [];
  const leaves: string[] = [];

  beforeAll(async () => {
    f = await startFollowups();
    rig = await f.newProvider();
    const funded = await f.rentAndFund(rig, 6);
    instanceId = funded.id;
    openingBoxId = funded.escrowBoxId!;
    escrowBoxId = openingBoxId;
  });
  afterAll(async () => {
    await f?.close();
  });

  /** The provider claims one elapsed hour with `root` in its payout's R5; resolves to the claim's tx id. */
  async function claimHour(root: string): Promise<string> {
    await f.mineAndIndex();
    const client = f.pc.chain.client;
    const claim = buildClaimTx({
      deployment: f.pc.deployment,
      configBox: (await client.unspentByTokenId(f.pc.deployment.configNftId))[0]!,
      height: await client.height(),
      provider: rig.wallet.address,
      claims: [{ escrowBox: (await client.unspentBox(escrowBoxId))!, hours: 1 }],
      receiptsRoot: root,
      inputs: await client.unspentByAddress(rig.wallet.address),
      changeAddress: rig.wallet.address,
    });
    const txId = await f.pc.send(claim, rig.wallet);
    await f.indexer.syncOnce();
    escrowBoxId = (await f.get(instanceId)).escrowBoxId!;
    txIds.push(txId);
    return txId;
  }

  function put(
    txId: string,
    receipts: SignedReceipt[],
    root = receiptBatchRoot(receipts),
    token = rig.apiKey,
  ) {
    return f.h.request("PUT", `/api/v1/providers/${rig.provider.id}/receipt-batches/${txId}`, {
      token,
      body: { txId, root, receipts },
    });
  }

  const receipts = (token: string) =>
    f.h.request("GET", `/api/v1/instances/${instanceId}/receipts`, { token });

  it("Should store a claim's batch once: the same batch again is 200, another batch for its tx a 409", async () => {
    const good = [signedBy(rig.wallet, receiptOf(instanceId, openingBoxId, rig.wallet.address, 1))];
    const txId = await claimHour(receiptBatchRoot(good));
    leaves.push(receiptLeaf(good[0]!));
    expect(ok(await put(txId, good), receiptBatchAckSchema)).toEqual({ txId, root: receiptBatchRoot(good) });
    ok(await put(txId, good), receiptBatchAckSchema);
    const other = [signedBy(rig.wallet, { ...good[0]!.receipt, seconds: 100 })];
    expect(problemOf(await put(txId, other), 409).detail).toContain("already has another receipt batch");
    // Only the provider's own executor pushes, and only its rentals' receipts.
    problemOf(await put(txId, good, undefined, f.consumerToken), 404);
    const stranger = [
      signedBy(rig.wallet, receiptOf(crypto.randomUUID(), openingBoxId, rig.wallet.address, 1)),
    ];
    problemOf(await put(randomBytes(32).toString("hex"), stranger), 422);

    const served = ok(await receipts(f.consumerToken), instanceReceiptsResponse).receipts;
    expect(served).toHaveLength(1);
    expect(served[0]).toMatchObject({ txId, leaf: leaves[0], proof: [] });
    expect(served[0]!.checks).toEqual({ signature: true, root: true, onChain: true });
  });

  it("Should serve the receipts to the consumer, the provider and the arbiter, and to no one else", async () => {
    ok(await receipts(rig.token), instanceReceiptsResponse);
    const arbiter = await f.h.signIn(f.pc.arbiter);
    ok(await receipts(arbiter.token), instanceReceiptsResponse);
    const other = await f.h.signIn();
    problemOf(await receipts(other.token), 404);
    problemOf(await f.h.request("GET", `/api/v1/instances/${instanceId}/receipts`), 401);
  });

  it("Should flag a receipt signed by another key, a tampered receipt and a claim whose root matches no receipts", async () => {
    const intruder = new TestWallet();
    const foreign = [signedBy(intruder, receiptOf(instanceId, openingBoxId, intruder.address, 2))];
    ok(await put(await claimHour(receiptBatchRoot(foreign)), foreign), receiptBatchAckSchema);

    const honest = signedBy(rig.wallet, receiptOf(instanceId, openingBoxId, rig.wallet.address, 3));
    const tampered = [
      { ...honest, receipt: { ...honest.receipt, gpus: [{ uuid: "GPU-9", model: "NVIDIA H200" }] } },
    ];
    ok(await put(await claimHour(receiptBatchRoot(tampered)), tampered), receiptBatchAckSchema);

    const unmatched = [signedBy(rig.wallet, receiptOf(instanceId, openingBoxId, rig.wallet.address, 4))];
    ok(await put(await claimHour(randomBytes(32).toString("hex")), unmatched), receiptBatchAckSchema);

    const served = ok(await receipts(f.consumerToken), instanceReceiptsResponse).receipts;
    expect(served.map((r) => [r.receipt.period, r.checks])).toEqual([
      [1, { signature: true, root: true, onChain: true }],
      [2, { signature: false, root: true, onChain: true }],
      [3, { signature: false, root: true, onChain: true }],
      [4, { signature: true, root: true, onChain: false }],
    ]);
    leaves.push(...served.slice(1).map((r) => r.leaf));

    const run = await f.h.services.reconciliation.run({ missingBatchGraceBlocks: 0 });
    expect(run.settlements).toBe(4);
    const kinds = await findings();
    expect(kinds).toEqual([
      [txIds[1], "signature", leaves[1]],
      [txIds[2], "signature", leaves[2]],
      [txIds[3], "root_onchain", ""],
    ]);
    // A rerun finds the same and adds nothing.
    expect((await f.h.services.reconciliation.run({ missingBatchGraceBlocks: 0 })).found).toBe(0);
  });

  it("Should flag a claim without receipts after its grace, and a forged receipt injected into a stored batch", async () => {
    const bare = await claimHour(randomBytes(32).toString("hex"));
    expect((await f.h.services.reconciliation.run()).found).toBe(0); // within its grace: the executor may push yet
    const forger = new TestWallet();
    const forged = signedBy(forger, {
      ...receiptOf(instanceId, openingBoxId, rig.wallet.address, 1),
      seconds: 7,
    });
    // Straight into the database, as a compromised marketplace would: the reconciliation recomputes everything.
    await f.h.db.query(
      `INSERT INTO receipts (tx_id, position, leaf, instance_id, period, seconds, signed, signature_ok, root_ok)
       VALUES ($1, 1, $2, $3, 1, 7, $4, true, true)`,
      [txIds[0], receiptLeaf(forged), instanceId, canonicalJson(forged)],
    );
    const run = await f.h.services.reconciliation.run({ missingBatchGraceBlocks: 0 });
    expect(run.found).toBe(3);
    const found = await findings();
    expect(found).toContainEqual([bare, "missing_batch", ""]);
    expect(found).toContainEqual([txIds[0], "batch_root", ""]);
    expect(found).toContainEqual([txIds[0], "signature", receiptLeaf(forged)]);

    const metrics = await f.h.request("GET", "/metrics");
    const line = (kind: string) =>
      String(metrics.body)
        .split("\n")
        .find((l) => l.startsWith(`gpuc_receipt_mismatches_total{kind="${kind}"}`));
    expect(line("signature")).toBe('gpuc_receipt_mismatches_total{kind="signature"} 3');
    expect(line("root_onchain")).toBe('gpuc_receipt_mismatches_total{kind="root_onchain"} 1');
    expect(line("missing_batch")).toBe('gpuc_receipt_mismatches_total{kind="missing_batch"} 1');
    expect(line("batch_root")).toBe('gpuc_receipt_mismatches_total{kind="batch_root"} 1');
    expect(line("metered_seconds")).toBe('gpuc_receipt_mismatches_total{kind="metered_seconds"} 0');
  });

  it("Should let a dispute name one of the rental's receipts, and record it in the arbiter's resolution", async () => {
    const dispute = (receiptLeaf: string) =>
      f.h.request("POST", `/api/v1/instances/${instanceId}/dispute`, {
        token: f.consumerToken,
        body: { reason: "period 3 ran on another GPU", receiptLeaf },
      });
    expect(problemOf(await dispute("ff".repeat(32)), 422).detail).toContain("is not one of instance");
    const disputed = ok(await dispute(leaves[2]!.toUpperCase()), instanceSchema);
    expect(disputed).toMatchObject({ state: "Disputed", disputeReceiptLeaf: leaves[2] });

    const arbiter = await f.h.signIn(f.pc.arbiter);
    const resolve = (body: Record<string, unknown>) =>
      f.h.request("POST", `/api/v1/instances/${instanceId}/resolve`, { token: arbiter.token, body });
    problemOf(await resolve({ providerShare: "0", receiptLeaf: "00".repeat(32) }), 422);
    const resolved = ok(await resolve({ providerShare: "0" }), instanceSchema);
    expect(resolved).toMatchObject({ state: "Resolved", resolvedReceiptLeaf: leaves[2] });
    expect(resolved.closeDetail).toContain(`receipt ${leaves[2]}`);
  });

  it("Should show the auditor the findings by kind, naming transactions and no rental", async () => {
    const view = ok(
      await f.h.request("GET", "/api/v1/protocol/receipt-mismatches"),
      receiptMismatchesResponse,
    );
    expect(view.counts).toMatchObject({ signature: 3, root_onchain: 1, batch_root: 1, missing_batch: 1 });
    expect(view.items).toHaveLength(6);
    expect(JSON.stringify(view)).not.toContain(instanceId);
  });

  it("Should reconcile a provider close with the executor's metered seconds: its receipts must sum to what it pays", async () => {
    /** A rental of 3 h: 1 claimed, then closed after the executor reported 1.5 h metered; the close's receipt says `closeSeconds`. */
    async function closedRental(closeSeconds: number) {
      const funded = await f.rentAndFund(rig, 3);
      [instanceId, openingBoxId, escrowBoxId] = [funded.id, funded.escrowBoxId!, funded.escrowBoxId!];
      const first = [signedBy(rig.wallet, receiptOf(instanceId, openingBoxId, rig.wallet.address, 1))];
      ok(await put(await claimHour(receiptBatchRoot(first)), first), receiptBatchAckSchema);
      for (const state of ["Starting", "Running"])
        ok(await f.report(rig, instanceId, { state }), instanceSchema);
      const ended = { state: "Completed", reason: "user_stopped", billedSeconds: HOUR_S + 1800 };
      ok(await f.report(rig, instanceId, ended), instanceSchema);
      const last = [
        signedBy(rig.wallet, {
          ...receiptOf(instanceId, openingBoxId, rig.wallet.address, 2),
          seconds: closeSeconds,
        }),
      ];
      await f.mineAndIndex(2);
      const client = f.pc.chain.client;
      const close = buildProviderCloseTx({
        deployment: f.pc.deployment,
        configBox: (await client.unspentByTokenId(f.pc.deployment.configNftId))[0]!,
        height: await client.height(),
        provider: rig.wallet.address,
        escrowBox: (await client.unspentBox(escrowBoxId))!,
        providerShare: PRICE / 2n,
        receiptsRoot: receiptBatchRoot(last),
        inputs: await client.unspentByAddress(rig.wallet.address),
        changeAddress: rig.wallet.address,
      });
      const txId = await f.pc.send(close, rig.wallet);
      await f.indexer.syncOnce();
      txIds.push(txId);
      ok(await put(txId, last), receiptBatchAckSchema);
      return txId;
    }
    const honest = await closedRental(1800);
    const short = await closedRental(1000);
    const run = await f.h.services.reconciliation.run({ missingBatchGraceBlocks: 0 });
    expect(run.found).toBe(2);
    const found = (await findings()).filter(([txId]) => txId === honest || txId === short);
    expect(found).toEqual([
      [short, "close_seconds", ""],
      [short, "metered_seconds", ""],
    ]);
  });

  async function findings(): Promise<[string, string, string][]> {
    const rows = await f.h.db.query<{ tx_id: string; kind: string; subject: string }>(
      "SELECT tx_id, kind, subject FROM receipt_mismatches ORDER BY found_at, kind, tx_id",
    );
    const order = (txId: string) => txIds.indexOf(txId);
    return rows
      .map((r): [string, string, string] => [r.tx_id, r.kind, r.subject])
      .sort((a, b) => order(a[0]) - order(b[0]) || a[1].localeCompare(b[1]));
  }
});
