import type { Amount, Box } from "@fleet-sdk/common";
import {
  type MerkleStep,
  receiptLeaf,
  receiptSignatureValid,
  type SignedReceipt,
  verifyMerkleProof,
} from "@gpuc/sdk";
import { toErgoTree } from "../protocol/config/sigmaProp.ts";
import { NotAnEscrowError } from "../protocol/errors/notAnEscrow.ts";
import {
  type EscrowDeployment,
  type EscrowState,
  parseEscrowBox,
  payoutEscrowId,
  payoutReceiptsRoot,
} from "../protocol/escrow/registers.ts";
import { verifyMessage } from "../signing/signer.ts";

// A usage receipt checked against the chain alone, by anyone (the CLI's `--verify`; the marketplace's signature
// check): the escrow's provider signed it, and the settlement transaction's provider payout names, in R5, a Merkle
// root the receipt's leaf leads to. What that proves and does not is written in docs/protocol.md.

/** The part of an output the check reads (a node's box JSON or a Fleet box will do). */
export type PayoutBox = Pick<Box<Amount>, "ergoTree" | "additionalRegisters">;

/** The settlement transaction as the chain holds it: its id and outputs (a node's transaction JSON will do). */
export interface SettlementTx {
  readonly id: string;
  readonly outputs: readonly PayoutBox[];
}

export interface ReceiptEvidence {
  readonly signed: SignedReceipt;
  /** The leaf's Merkle proof up to the settlement's root (as served with the receipt). */
  readonly proof: readonly MerkleStep[];
  /** The settlement transaction the receipt is said to be paid by. */
  readonly txId: string;
  /** That transaction as the chain holds it; undefined when the chain does not know it. */
  readonly tx: SettlementTx | undefined;
  /** The boxes that transaction spent, as the chain holds them: the rental's escrow box must be among them. */
  readonly spent: readonly Box<Amount>[];
  /** What an escrow box is (the deployment's contract and GPUC token). */
  readonly deployment: EscrowDeployment;
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
 * Checks one receipt end to end, from the chain alone: the settlement transaction spent an escrow box of the
 * receipt's rental (R7) and paid that escrow's provider a box naming it (R4); the escrow's provider signed the
 * receipt; the payout's R5 holds a root; the receipt's leaf and proof lead to that root. It does not prove the
 * receipt's numbers are true, only that the provider stated them in the settlement it was paid by.
 *
 * @example
 * const verdict = verifyReceipt({ signed, proof, txId, tx, spent, deployment });
 * if (!verdict.ok) console.log(verdict.reason);
 */
export function verifyReceipt(evidence: ReceiptEvidence): ReceiptVerdict {
  const leaf = receiptLeaf(evidence.signed);
  const fail = (reason: string): ReceiptVerdict => ({ ok: false, leaf, reason });
  const { signed, tx, txId } = evidence;
  if (!tx) return fail(`transaction ${txId} is not on chain`);
  const escrows = rentalEscrows(evidence.spent, evidence.deployment, signed.receipt.instanceId);
  if (escrows.length === 0)
    return fail(`transaction ${txId} spent no escrow of instance ${signed.receipt.instanceId}`);
  const paid = escrows
    .map((escrow) => ({ escrow, payout: tx.outputs.find((box) => isPayoutOf(box, escrow)) }))
    .find((candidate) => candidate.payout !== undefined);
  if (!paid?.payout) return fail(`transaction ${txId} pays the escrow's provider no payout`);
  const provider = paid.escrow.provider;
  if (!sameKey(signed.receipt.provider, provider))
    return fail("the receipt names another provider than the escrow's");
  if (!receiptSignatureValid(signed, verifyMessage))
    return fail("the signature is not the provider's over this receipt (tampered, or signed by another key)");
  const root = payoutReceiptsRoot(paid.payout);
  if (!root) return fail("the provider payout carries no receipts root in R5");
  if (!verifyMerkleProof(leaf, evidence.proof, root))
    return fail("the receipt's Merkle proof does not lead to the root in the provider payout's R5");
  return { ok: true, leaf, root };
}

/** The escrow boxes among `boxes` whose rental (R7) is `instanceId` (the uuid's 32 hex digits, as opened). */
function rentalEscrows(boxes: readonly Box<Amount>[], deployment: EscrowDeployment, instanceId: string) {
  const rentalId = instanceId.replaceAll("-", "").toLowerCase();
  return boxes.flatMap((box) => {
    try {
      const escrow = parseEscrowBox(box, deployment);
      return escrow.rentalId === rentalId ? [escrow] : [];
    } catch (error) {
      if (error instanceof NotAnEscrowError) return [];
      throw error;
    }
  });
}

/** The provider's payout out of `escrow`: paid to its provider, naming the escrow box in R4. */
function isPayoutOf(box: PayoutBox, escrow: EscrowState): boolean {
  return box.ergoTree.toLowerCase() === escrow.provider && payoutEscrowId(box) === escrow.boxId;
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
