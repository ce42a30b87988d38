import {
  BlockHeaders,
  ErgoStateContext,
  Parameters,
  PreHeader,
  BlockHeader as WasmBlockHeader,
} from "ergo-lib-wasm-nodejs";
import type { BlockHeader } from "../chain/types.ts";

/**
 * The ergo-lib state context for a transaction that goes into the next block: the pre-header is the tip header
 * moved one height up (so `HEIGHT` in scripts is the height the transaction will be validated at), and the last
 * ten headers are the ones up to the tip, newest first.
 */
export function nextBlockContext(headers: readonly BlockHeader[]): ErgoStateContext {
  const newestFirst = [...headers].sort((a, b) => b.height - a.height).slice(0, 10);
  const tip = newestFirst[0];
  if (!tip) throw new Error("Cannot sign without chain headers: the node returned none");
  const next = {
    ...tip,
    parentId: tip.id,
    height: tip.height + 1,
    timestamp: Math.max(Date.now(), tip.timestamp + 1),
  };
  const preHeader = PreHeader.from_block_header(WasmBlockHeader.from_json(JSON.stringify(next)));
  return new ErgoStateContext(
    preHeader,
    BlockHeaders.from_json(newestFirst),
    Parameters.default_parameters(),
  );
}
