import {
  type InstanceReceipts,
  merkleProof,
  type ReceiptBatch,
  receiptLeaf,
  receiptSignatureValid,
  type SignatureCheck,
  sortReceipts,
  verifyMerkleProof,
} from "@gpuc/sdk";

/**
 * A rental's receipts as `GET /instances/{id}/receipts` serves them: each with its leaf, the settlement that carries
 * it, the Merkle proof to that transaction's root and what was checked here (`onChain` is null: the executor does
 * not index the chain; the marketplace and `gpuc … --verify` check R5). A period paid again by a later transaction
 * (an earlier one the chain dropped) is shown with the later one.
 */
export function receiptsView(
  batches: readonly ReceiptBatch[],
  instanceId: string,
  check: SignatureCheck,
): InstanceReceipts {
  const byPeriod = new Map<number, InstanceReceipts["receipts"][number]>();
  for (const batch of batches) {
    const sorted = sortReceipts(batch.receipts);
    const leaves = sorted.map(receiptLeaf);
    sorted.forEach((signed, index) => {
      if (signed.receipt.instanceId !== instanceId) return;
      const leaf = leaves[index] as string;
      const proof = merkleProof(leaves, index);
      byPeriod.set(signed.receipt.period, {
        ...signed,
        leaf,
        txId: batch.txId,
        root: batch.root,
        proof,
        checks: {
          signature: receiptSignatureValid(signed, check),
          root: verifyMerkleProof(leaf, proof, batch.root),
          onChain: null,
        },
      });
    });
  }
  return { receipts: [...byPeriod.entries()].sort(([a], [b]) => a - b).map(([, entry]) => entry) };
}
