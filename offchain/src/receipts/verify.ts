import type { Amount, Box } from "@fleet-sdk/common";
import {
  type MerkleStep,
  receiptLeaf,
  receiptSignatureValid,
  type SignedReceipt,
  verifyMerkleProof,
} from "@gpuc/sdk";
import { toErgoTree } from "../protocol/config/sigmaProp.ts";
import { payoutReceiptsRoot } from "../protocol/escrow/registers.ts";
import { verifyMessage } from "../signing/signer.ts";

// A usage receipt checked against the chain alone, by anyone (the CLI's `--verify`, the marketplace's checks): the
// provider signed it, and the settlement transaction's provider payout box names, in R5, a Merkle root the
// receipt's leaf leads to. What that proves and does not is written in docs/protocol.md.

/** The part of a box the check reads (a node's box JSON, a Fleet box, an indexed box made Fleet-shaped). */
export type PayoutBox = Pick<Box<Amount>, "ergoTree" | "additionalRegisters" | "transactionId">;

export interface ReceiptEvidence {
  readonly signed: SignedReceipt;
  /** The leaf's Merkle proof up to the settlement's root (as served with the receipt). */
  readonly proof: readonly MerkleStep[];
  /** The escrow's provider, as the chain names it (P2PK address or its ErgoTree): the key that must have signed. */
  readonly provider: string;
  /** The settlement transaction the receipt is said to be paid by. */
  readonly txId: string;
  /** That transaction's provider payout box as the chain holds it; undefined when it was not found. */
  readonly payoutBox: PayoutBox | undefined;
}

/** Whether a receipt is proven by its settlement, and if not the first reason why not. */
export type ReceiptVerdict =
  | { readonly ok: true; readonly leaf: string; readonly root: string }
  | { readonly ok: false; readonly leaf: string; readonly reason: string };

/** Whether the signature over the receipt is the provider's (the escrow's, not just the one the receipt names). */
export function receiptSignedBy(signed: SignedReceipt, provider: string): boolean {
  const signer = signed.receipt.provider;
  return sameKey(signer, provider) && receiptSignatureValid(signed, verifyMessage);
}

/**
 * Checks one receipt end to end: the escrow's provider signed it; the payout box is that provider's, made by the
 * settlement transaction; its R5 holds a root; the receipt's leaf and proof lead to that root.
 *
 * @example
 * const verdict = verifyReceipt({ signed, proof, provider, txId, payoutBox });
 * if (!verdict.ok) console.log(verdict.reason);
 */
export function verifyReceipt(evidence: ReceiptEvidence): ReceiptVerdict {
  const leaf = receiptLeaf(evidence.signed);
  const fail = (reason: string): ReceiptVerdict => ({ ok: false, leaf, reason });
  const { signed, provider, payoutBox } = evidence;
  if (!sameKey(signed.receipt.provider, provider))
    return fail("the receipt names another provider than the escrow's");
  if (!receiptSignatureValid(signed, verifyMessage))
    return fail("the signature is not the provider's over this receipt (tampered, or signed by another key)");
  if (!payoutBox) return fail(`no provider payout box of transaction ${evidence.txId} is on chain`);
  if (payoutBox.transactionId !== evidence.txId)
    return fail(`the payout box was made by transaction ${payoutBox.transactionId}, not ${evidence.txId}`);
  if (payoutBox.ergoTree.toLowerCase() !== treeOf(provider))
    return fail("the payout box is not paid to the escrow's provider");
  const root = payoutReceiptsRoot(payoutBox);
  if (!root) return fail("the payout box carries no receipts root in R5");
  if (!verifyMerkleProof(leaf, evidence.proof, root))
    return fail("the receipt's Merkle proof does not lead to the root in the payout box's R5");
  return { ok: true, leaf, root };
}

function sameKey(a: string, b: string): boolean {
  const left = treeOf(a);
  return left !== undefined && left === treeOf(b);
}

/** An address or ErgoTree as a lowercase ErgoTree; undefined when it is neither. */
function treeOf(addressOrTree: string): string | undefined {
  try {
    return toErgoTree(addressOrTree).toLowerCase();
  } catch {
    return undefined;
  }
}
