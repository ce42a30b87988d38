import { type ErgoBox, ErgoBoxes, type Transaction as WasmTransaction } from "ergo-lib-wasm-nodejs";
import { toWireBox } from "../tx/json.ts";
import type { Box, Transaction } from "../tx/types.ts";

// ergo-lib's own box for each box a transaction accepted here created, kept beside the box as long as something
// holds the box (the mempool, the confirmed UTXO set; a WeakMap, and ergo-lib frees the object when it is
// collected). Why: handing validate_tx the boxes a transaction spends by building them from JSON cost about a
// tenth of validate_tx itself; adding a kept box to the collection is a copy inside ergo-lib.
const kept = new WeakMap<Box, ErgoBox>();

/** Keeps ergo-lib's boxes for `tx`'s outputs (`wasm` is the same transaction, its outputs in the same order). */
export function keepWasmOutputs(tx: Transaction, wasm: WasmTransaction): void {
  const outputs = wasm.outputs();
  try {
    tx.outputs.forEach((box, index) => {
      kept.set(box, outputs.get(index));
    });
  } finally {
    outputs.free();
  }
}

/** The boxes as ergo-lib's collection for validate_tx, from the kept ones when all are kept; the caller frees it. */
export function wasmBoxes(boxes: readonly Box[]): ErgoBoxes {
  if (boxes.length === 0) return ErgoBoxes.empty();
  const found = boxes.map((box) => kept.get(box));
  if (found.some((wasm) => wasm === undefined)) return ErgoBoxes.from_boxes_json(boxes.map(toWireBox));
  const collection = ErgoBoxes.empty();
  for (const wasm of found) collection.add(wasm!);
  return collection;
}
