import { blake2b256, hex } from "@fleet-sdk/crypto";
import { SdkError } from "../errors.ts";
import { type MerkleStep, receiptLeaf, type SignedReceipt, sortReceipts } from "./receipts.ts";

/** A Merkle root or proof asked of no leaves: every settlement pays at least one period, so it has a receipt. */
export class EmptyReceiptTreeError extends SdkError {
  constructor() {
    super(
      "A receipts root needs at least one receipt; pass the receipts of the periods the transaction pays",
    );
  }
}

/** A proof asked for a leaf the tree does not have. */
export class ReceiptLeafIndexError extends SdkError {
  constructor(
    readonly index: number,
    readonly leaves: number,
  ) {
    super(`No leaf ${index} in a tree of ${leaves}; pass an index from 0 to ${leaves - 1}`);
  }
}

function node(left: Uint8Array, right: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(1 + left.length + right.length);
  bytes[0] = 0x01;
  bytes.set(left, 1);
  bytes.set(right, 1 + left.length);
  return blake2b256(bytes);
}

/** One level up: pairs hashed as nodes, an odd last node promoted unchanged. */
function parentLevel(level: readonly Uint8Array[]): Uint8Array[] {
  const parents: Uint8Array[] = [];
  for (let i = 0; i < level.length; i += 2) {
    const left = level[i] as Uint8Array;
    const right = level[i + 1];
    parents.push(right === undefined ? left : node(left, right));
  }
  return parents;
}

function decodeLeaves(leaves: readonly string[]): Uint8Array[] {
  if (leaves.length === 0) throw new EmptyReceiptTreeError();
  return leaves.map((leaf) => hex.decode(leaf));
}

/**
 * The Merkle root (hex) of leaves in the order given (tree order: `sortReceipts`). node = blake2b256(0x01 ‖ left ‖
 * right); an odd node at a level is promoted unchanged; one leaf is its own root.
 */
export function receiptsRoot(leaves: readonly string[]): string {
  let level = decodeLeaves(leaves);
  while (level.length > 1) level = parentLevel(level);
  return hex.encode(level[0] as Uint8Array);
}

/** The root of a settlement's receipts in any order: sorted by (instanceId, period), leaves, root. */
export function receiptBatchRoot(receipts: readonly SignedReceipt[]): string {
  return receiptsRoot(sortReceipts(receipts).map(receiptLeaf));
}

/** The sibling hashes from leaf `index` up to the root; a promoted level adds no step. */
export function merkleProof(leaves: readonly string[], index: number): MerkleStep[] {
  if (!Number.isInteger(index) || index < 0 || index >= leaves.length) {
    throw new ReceiptLeafIndexError(index, leaves.length);
  }
  let level = decodeLeaves(leaves);
  let position = index;
  const proof: MerkleStep[] = [];
  while (level.length > 1) {
    const sibling = position % 2 === 0 ? position + 1 : position - 1;
    const hash = level[sibling];
    if (hash !== undefined)
      proof.push({ side: position % 2 === 0 ? "right" : "left", hash: hex.encode(hash) });
    level = parentLevel(level);
    position = Math.floor(position / 2);
  }
  return proof;
}

/** Whether `proof` leads from `leaf` to `root`. Malformed hex is a failed check, never an exception. */
export function verifyMerkleProof(leaf: string, proof: readonly MerkleStep[], root: string): boolean {
  try {
    let hash = hex.decode(leaf);
    if (hash.length !== 32) return false;
    for (const step of proof) {
      const sibling = hex.decode(step.hash);
      if (sibling.length !== 32) return false;
      hash = step.side === "left" ? node(sibling, hash) : node(hash, sibling);
    }
    return hex.encode(hash) === root.toLowerCase();
  } catch {
    return false;
  }
}
