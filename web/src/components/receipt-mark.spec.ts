import { merkleProof, receiptLeaf, receiptsRoot, type SignedReceipt, type UsageReceipt } from "@gpuc/sdk";
import { describe, expect, it } from "vitest";
import { receiptMark, type ServedReceipt } from "./receipt-mark.ts";

const body = (period: number): UsageReceipt => ({
  version: 1,
  instanceId: "9d8c7b6a-5f4e-4d3c-8b2a-190817263544",
  escrowBoxId: "a".repeat(64),
  provider: "3WwXpssaZwcNzaGMv3AgxBdTPJQBt5gCmqBsg3DykQ39bYdhJBsN",
  period,
  periodStart: "2030-01-01T00:00:00.000Z",
  periodEnd: "2030-01-01T01:00:00.000Z",
  seconds: 3600,
  imageDigest: `sha256:${"b".repeat(64)}`,
  gpus: [],
  gpuUtilization: { meanPct: 0, maxPct: 0 },
  gpuMemory: { meanMiB: 0, maxMiB: 0 },
  exitState: "running",
  issuedAt: "2030-01-01T01:00:00.000Z",
});

/** Three receipts of one settlement as the marketplace serves them, the checks it reports all passing. */
function served(): ServedReceipt[] {
  const signed: SignedReceipt[] = [1, 2, 3].map((p) => ({ receipt: body(p), signature: "ab".repeat(56) }));
  const leaves = signed.map(receiptLeaf);
  const root = receiptsRoot(leaves);
  return signed.map((s, i) => ({
    ...s,
    leaf: leaves[i]!,
    txId: "c".repeat(64),
    root,
    proof: merkleProof(leaves, i),
    checks: { signature: true, root: true, onChain: true },
  }));
}

describe("the instance page's verified mark", () => {
  it("marks a receipt verified when its recomputed proof reaches the root and the marketplace's checks pass", () => {
    expect(served().map(receiptMark)).toEqual([1, 2, 3].map(() => ({ state: "verified" })));
  });

  it("recomputes the leaf and the proof itself: a changed receipt or proof is not verified, whatever the checks say", () => {
    const [first, second] = served();
    expect(receiptMark({ ...first!, receipt: { ...first!.receipt, seconds: 10 } })).toMatchObject({
      state: "failed",
      why: "its leaf is not the hash of the receipt shown",
    });
    expect(receiptMark({ ...second!, proof: first!.proof })).toMatchObject({ state: "failed" });
  });

  it("shows the marketplace's signature and on-chain checks: failed, or pending before the settlement is indexed", () => {
    const [r] = served();
    expect(receiptMark({ ...r!, checks: { ...r!.checks, signature: false } })).toMatchObject({
      state: "failed",
      why: "it is not signed by the rental's provider",
    });
    expect(receiptMark({ ...r!, checks: { ...r!.checks, onChain: false } })).toMatchObject({
      state: "failed",
    });
    expect(receiptMark({ ...r!, checks: { ...r!.checks, onChain: null } })).toEqual({
      state: "pending",
      why: "its settlement transaction is not indexed yet",
    });
  });
});
