import type { ChainBox, ChainClient, SignedTransaction } from "@gpuc/offchain";
import { EscrowUnresolvedError } from "./errors.ts";

// Following a rental's escrow on chain. Each claim or extension spends the escrow box and recreates it; the
// contract puts the recreated box at the first escrow output from the spending input's output index (context
// variable 1) and tags it with the spent box's id in R8. Following that exact output from the box the rental
// opened with (never a box that merely carries the rental id in R7, which anyone could create) gives the one
// genuine current box. The node's mempool counts: a box spent or created by a submitted transaction is followed
// like a confirmed one.

const ACTION_VAR = "0";
const OUTPUT_INDEX_VAR = "1";
/** Spend paths that recreate the escrow (claim, extend); every other one closes it. */
const RECREATING_ACTIONS = new Set([0, 1]);

/** Where a box of the lineage went: still unspent, recreated as `box` (maybe spent since), or closed. */
export type Step =
  | { readonly kind: "unspent"; readonly box: ChainBox }
  | { readonly kind: "next"; readonly box: ChainBox }
  | { readonly kind: "closed" };

/**
 * Where the escrow box `boxId` went: still unspent (mempool applied), recreated as another box, or closed.
 * Throws `EscrowUnresolvedError` when the spending transaction cannot be found yet.
 */
export async function followEscrow(
  chain: ChainClient,
  escrowTree: string,
  instanceId: string,
  boxId: string,
): Promise<Step> {
  const box = await chain.unspentBox(boxId, { withPool: true });
  if (box) return { kind: "unspent", box };
  const spender = await spendingTransaction(chain, escrowTree, boxId);
  if (spender === "mempool-close") return { kind: "closed" };
  if (!spender) throw new EscrowUnresolvedError(instanceId, boxId);
  const next = successorIn(spender, boxId, escrowTree);
  return next ? { kind: "next", box: next } : { kind: "closed" };
}

/** The transaction that spent `boxId`: from the index when confirmed, else from the mempool. */
async function spendingTransaction(
  chain: ChainClient,
  escrowTree: string,
  boxId: string,
): Promise<SignedTransaction | "mempool-close" | undefined> {
  const indexed = await chain.indexedBox(boxId);
  if (indexed?.spentTransactionId) return chain.transaction(indexed.spentTransactionId);
  // Spent in the mempool: a recreating spend left an escrow box pointing back at it (itself maybe spent in the
  // mempool too); a closing one left none.
  const candidates = await chain.unspentByErgoTree(escrowTree, { excludeMempoolSpent: false });
  for (const candidate of candidates.filter((c) => c.additionalRegisters.R8 === `0e20${boxId}`)) {
    const tx = await chain.unconfirmedTransaction(candidate.transactionId);
    if (tx?.inputs.some((input) => input.boxId === boxId)) return tx;
  }
  // Known to the index and gone from the mempool-applied UTXO set: a mempool transaction closes it.
  return indexed ? "mempool-close" : undefined;
}

/** The recreated escrow a transaction made of `boxId`, if its path recreates it. */
export function successorIn(tx: SignedTransaction, boxId: string, escrowTree: string): ChainBox | undefined {
  const input = tx.inputs.find((i) => i.boxId === boxId);
  const extension = input?.spendingProof.extension ?? {};
  const action = byteConstant(extension[ACTION_VAR]);
  const base = intConstant(extension[OUTPUT_INDEX_VAR]);
  if (action === undefined || base === undefined || !RECREATING_ACTIONS.has(action)) return undefined;
  const tag = `0e20${boxId}`;
  return tx.outputs
    .slice(base)
    .find((output) => output.ergoTree === escrowTree && output.additionalRegisters.R8 === tag);
}

/** A serialized `Byte` constant (type 0x02, one signed byte). */
function byteConstant(hex: string | undefined): number | undefined {
  if (!hex || !/^02[0-9a-f]{2}$/i.test(hex)) return undefined;
  const value = Number.parseInt(hex.slice(2), 16);
  return value > 127 ? value - 256 : value;
}

/** A serialized `Int` constant (type 0x04, ZigZag VLQ). */
function intConstant(hex: string | undefined): number | undefined {
  if (!hex || !/^04([0-9a-f]{2})+$/i.test(hex)) return undefined;
  let raw = 0;
  let scale = 1;
  for (let i = 2; i < hex.length; i += 2) {
    const byte = Number.parseInt(hex.slice(i, i + 2), 16);
    raw += (byte & 0x7f) * scale;
    scale *= 128;
    if ((byte & 0x80) === 0) break;
  }
  return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
}
