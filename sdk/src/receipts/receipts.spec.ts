import { blake2b256, hex } from "@fleet-sdk/crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJsonBytes } from "../canonical-json.ts";
import {
  EmptyReceiptTreeError,
  merkleProof,
  ReceiptLeafIndexError,
  receiptBatchRoot,
  receiptsRoot,
  verifyMerkleProof,
} from "./merkle.ts";
import {
  instanceReceiptsResponse,
  receiptBatchSchema,
  receiptLeaf,
  receiptMessage,
  receiptSignatureValid,
  type SignedReceipt,
  signedReceiptSchema,
  sortReceipts,
  type UsageReceipt,
  usageReceiptSchema,
} from "./receipts.ts";

const receipt: UsageReceipt = {
  version: 1,
  instanceId: "0b6c8a3e-2d47-4f7e-9a1c-5e8f0d2b3c4a",
  escrowBoxId: "a".repeat(64),
  provider: "9fRAWhdxEsTcdb8PhGNrZfwqa65zfkuYHAMmkQLcic1gdLSV5vA",
  period: 2,
  periodStart: "2030-01-01T01:00:00.000Z",
  periodEnd: "2030-01-01T02:00:00.000Z",
  seconds: 3600,
  imageDigest: `sha256:${"b".repeat(64)}`,
  gpus: [{ uuid: "GPU-1", model: "NVIDIA H100 80GB HBM3" }],
  gpuUtilization: { meanPct: 87.5, maxPct: 100 },
  gpuMemory: { meanMiB: 40000, maxMiB: 61234 },
  exitState: "running",
  issuedAt: "2030-01-01T02:00:01.000Z",
};
const signed: SignedReceipt = { receipt, signature: "ab".repeat(56) };

function leafOf(seed: number): string {
  return hex.encode(blake2b256(new Uint8Array([seed & 0xff, seed >> 8])));
}

function nodeOf(left: string, right: string): string {
  return hex.encode(blake2b256(hex.decode(`01${left}${right}`)));
}

describe("usageReceiptSchema", () => {
  it("Should take a version 1 receipt as it travels in JSON", () => {
    expect(usageReceiptSchema.parse(JSON.parse(JSON.stringify(receipt)))).toEqual(receipt);
    expect(usageReceiptSchema.parse({ ...receipt, exitState: "exited", exitCode: 137 }).exitCode).toBe(137);
  });

  it("Should refuse what would change the signed bytes or is out of range", () => {
    const bad: Record<string, unknown>[] = [
      { ...receipt, extra: 1 },
      { ...receipt, version: 2 },
      { ...receipt, imageDigest: "busybox:latest" },
      { ...receipt, seconds: 3601 },
      { ...receipt, period: 0 },
      { ...receipt, escrowBoxId: "A".repeat(64) },
      { ...receipt, periodEnd: "2030-01-01T00:59:59.000Z" },
      { ...receipt, gpuUtilization: { meanPct: 101, maxPct: 100 } },
      { ...receipt, exitState: "crashed" },
    ];
    for (const body of bad)
      expect(usageReceiptSchema.safeParse(body).success, JSON.stringify(body)).toBe(false);
  });
});

describe("receiptMessage and receiptLeaf", () => {
  it("Should sign the canonical JSON of the receipt", () => {
    const text = new TextDecoder().decode(receiptMessage(receipt));
    expect(text.startsWith('{"escrowBoxId":"aaaa')).toBe(true);
    expect(text).toContain('"gpuMemory":{"maxMiB":61234,"meanMiB":40000}');
    expect(receiptMessage(JSON.parse(JSON.stringify(receipt)))).toEqual(receiptMessage(receipt));
  });

  it("Should hash 0x00 and the signed receipt, signature included", () => {
    const body = canonicalJsonBytes(signed);
    expect(receiptLeaf(signed)).toBe(hex.encode(blake2b256(new Uint8Array([0, ...body]))));
    expect(receiptLeaf({ ...signed, signature: "cd".repeat(56) })).not.toBe(receiptLeaf(signed));
    expect(receiptLeaf({ ...signed, receipt: { ...receipt, seconds: 3599 } })).not.toBe(receiptLeaf(signed));
  });
});

describe("receiptSignatureValid", () => {
  const calls: [string, Uint8Array, Uint8Array][] = [];
  const check = (address: string, message: Uint8Array, signature: Uint8Array) => {
    calls.push([address, message, signature]);
    return hex.encode(signature) === signed.signature;
  };

  it("Should check the receipt's provider over its message", () => {
    expect(receiptSignatureValid(JSON.parse(JSON.stringify(signed)), check)).toBe(true);
    expect(calls.at(-1)).toEqual([receipt.provider, receiptMessage(receipt), hex.decode(signed.signature)]);
  });

  it("Should refuse another provider, a malformed body and a throwing check, without throwing", () => {
    expect(receiptSignatureValid(signed, check, "9someoneElse")).toBe(false);
    expect(receiptSignatureValid({ ...signed, signature: "zz" }, check)).toBe(false);
    expect(
      receiptSignatureValid({ receipt: { ...receipt, seconds: -1 }, signature: signed.signature }, check),
    ).toBe(false);
    expect(
      receiptSignatureValid(signed, () => {
        throw new Error("bad address");
      }),
    ).toBe(false);
  });
});

describe("receiptsRoot", () => {
  it("Should make one leaf its own root, pair two, and promote an odd third", () => {
    const [a, b, c] = [leafOf(1), leafOf(2), leafOf(3)];
    expect(receiptsRoot([a])).toBe(a);
    expect(receiptsRoot([a, b])).toBe(nodeOf(a, b));
    expect(receiptsRoot([a, b, c])).toBe(nodeOf(nodeOf(a, b), c));
    expect(merkleProof([a, b, c], 2)).toEqual([{ side: "left", hash: nodeOf(a, b) }]);
    expect(merkleProof([a], 0)).toEqual([]);
  });

  it("Should refuse an empty tree and a missing index", () => {
    expect(() => receiptsRoot([])).toThrow(EmptyReceiptTreeError);
    expect(() => merkleProof([leafOf(1)], 1)).toThrow(ReceiptLeafIndexError);
  });

  it("Should root a batch in (instanceId, period) order whatever order it is given in", () => {
    const other = "00000000-0000-4000-8000-000000000000";
    const receipts = [3, 1, 2].flatMap((period) => [
      { ...signed, receipt: { ...receipt, period } },
      { ...signed, receipt: { ...receipt, instanceId: other, period } },
    ]);
    const sorted = sortReceipts(receipts);
    expect(sorted.map((r) => `${r.receipt.instanceId.slice(0, 2)}${r.receipt.period}`)).toEqual([
      "001",
      "002",
      "003",
      "0b1",
      "0b2",
      "0b3",
    ]);
    expect(receiptBatchRoot(receipts)).toBe(receiptsRoot(sorted.map(receiptLeaf)));
    expect(receiptBatchRoot([...receipts].reverse())).toBe(receiptBatchRoot(receipts));
  });

  it("Should verify every leaf's proof against the root, and fail a changed leaf or proof", () => {
    const tree = fc
      .integer({ min: 1, max: 40 })
      .chain((size) => fc.tuple(fc.constant(size), fc.nat(size - 1), fc.nat(255)));
    fc.assert(
      fc.property(tree, ([size, index, flip]) => {
        const leaves = Array.from({ length: size }, (_, i) => leafOf(i));
        const root = receiptsRoot(leaves);
        for (let i = 0; i < size; i++)
          expect(verifyMerkleProof(leaves[i] as string, merkleProof(leaves, i), root)).toBe(true);
        const proof = merkleProof(leaves, index);
        expect(proof.length).toBeLessThanOrEqual(Math.ceil(Math.log2(size)));
        const leaf = leaves[index] as string;
        expect(verifyMerkleProof(flipByte(leaf, flip), proof, root)).toBe(false);
        if (size > 1)
          expect(verifyMerkleProof(leaves[(index + 1) % size] as string, proof, root)).toBe(false);
        proof.forEach((step, at) => {
          const changed = proof.map((s, i) => (i === at ? { ...s, hash: flipByte(s.hash, flip) } : s));
          expect(verifyMerkleProof(leaf, changed, root)).toBe(false);
          const swapped = proof.map((s, i) =>
            i === at ? { ...s, side: s.side === "left" ? "right" : "left" } : s,
          );
          expect(verifyMerkleProof(leaf, swapped as typeof proof, root)).toBe(false);
          expect(step.hash).toMatch(/^[0-9a-f]{64}$/);
        });
        if (proof.length > 0) expect(verifyMerkleProof(leaf, proof.slice(1), root)).toBe(false);
      }),
      { numRuns: 60 },
    );
  });

  it("Should fail malformed hex instead of throwing", () => {
    expect(verifyMerkleProof("xyz", [], "00")).toBe(false);
    expect(verifyMerkleProof(leafOf(1), [{ side: "left", hash: "ab" }], leafOf(1))).toBe(false);
  });
});

describe("wire schemas", () => {
  it("Should read a batch and an instance's receipts as they travel", () => {
    const batch = { txId: "c".repeat(64), root: receiptLeaf(signed), receipts: [signed] };
    expect(receiptBatchSchema.parse(JSON.parse(JSON.stringify(batch)))).toEqual(batch);
    expect(receiptBatchSchema.safeParse({ ...batch, receipts: [] }).success).toBe(false);
    expect(signedReceiptSchema.safeParse({ ...signed, leaf: "x" }).success).toBe(false);
    const response = {
      receipts: [
        {
          ...signed,
          leaf: receiptLeaf(signed),
          txId: batch.txId,
          root: batch.root,
          proof: [],
          checks: { signature: true, root: true, onChain: null },
        },
      ],
    };
    expect(instanceReceiptsResponse.parse(JSON.parse(JSON.stringify(response)))).toEqual(response);
  });
});

function flipByte(hash: string, by: number): string {
  const bytes = hex.decode(hash);
  bytes[0] = (bytes[0] as number) ^ ((by % 255) + 1);
  return hex.encode(bytes);
}
