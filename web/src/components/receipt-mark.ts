import { type InstanceReceipts, receiptLeaf, verifyMerkleProof } from "@gpuc/sdk";

export type ServedReceipt = InstanceReceipts["receipts"][number];

/** A receipt's mark on the instance page: verified, pending (its settlement not indexed yet), or why not. */
export type ReceiptMark =
  | { readonly state: "verified" }
  | { readonly state: "pending"; readonly why: string }
  | { readonly state: "failed"; readonly why: string };

/**
 * Verified: this page recomputed the receipt's leaf and its Merkle proof up to the settlement's root (in the
 * browser, with the sdk), and the marketplace checked the provider's signature (ergo-lib, not in the browser) and
 * that the provider payout on chain carries that root in R5. `gpuc instances receipts <id> --verify` checks all
 * of it without the marketplace.
 */
export function receiptMark(served: ServedReceipt): ReceiptMark {
  const leaf = receiptLeaf({ receipt: served.receipt, signature: served.signature });
  if (leaf !== served.leaf) return { state: "failed", why: "its leaf is not the hash of the receipt shown" };
  if (!verifyMerkleProof(leaf, served.proof, served.root))
    return { state: "failed", why: "its Merkle proof does not lead to the settlement's root" };
  if (!served.checks.signature) return { state: "failed", why: "it is not signed by the rental's provider" };
  if (!served.checks.root) return { state: "failed", why: "it is not under the root the provider stated" };
  if (served.checks.onChain === null)
    return { state: "pending", why: "its settlement transaction is not indexed yet" };
  if (!served.checks.onChain)
    return { state: "failed", why: "the provider payout on chain carries another root" };
  return { state: "verified" };
}
