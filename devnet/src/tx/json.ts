import type { Box } from "./types.ts";

const BIG_MARK = "\u0000big:";

/**
 * JSON as the Ergo node writes it: bigint values become plain JSON numbers with every digit kept (the node writes
 * `value` and `amount` as numbers, even above 2^53).
 */
export function toNodeJson(value: unknown): string {
  const marked = JSON.stringify(value, (_key, field) =>
    typeof field === "bigint" ? `${BIG_MARK}${field.toString()}` : field,
  );
  return marked.replace(/"\\u0000big:(-?\d+)"/g, "$1");
}

/**
 * Parses JSON from a client keeping `value` and `amount` exact: numbers there become decimal strings before
 * `JSON.parse` could round them.
 */
export function parseAmountsExact(text: string): unknown {
  return JSON.parse(text.replace(/"(value|amount)"(\s*):(\s*)(\d+)/g, '"$1"$2:$3"$4"'));
}

/** A box in the EIP-12 form ergo-lib and Fleet read: amounts as decimal strings. */
export interface WireBox {
  boxId: string;
  value: string;
  ergoTree: string;
  assets: { tokenId: string; amount: string }[];
  creationHeight: number;
  additionalRegisters: Record<string, string>;
  transactionId: string;
  index: number;
}

export function toWireBox(box: Box): WireBox {
  return {
    boxId: box.boxId,
    value: box.value.toString(),
    ergoTree: box.ergoTree,
    assets: box.assets.map((asset) => ({ tokenId: asset.tokenId, amount: asset.amount.toString() })),
    creationHeight: box.creationHeight,
    additionalRegisters: { ...box.additionalRegisters },
    transactionId: box.transactionId,
    index: box.index,
  };
}

export function fromWireBox(box: WireBox): Box {
  return {
    boxId: box.boxId,
    value: BigInt(box.value),
    ergoTree: box.ergoTree,
    assets: box.assets.map((asset) => ({ tokenId: asset.tokenId, amount: BigInt(asset.amount) })),
    creationHeight: box.creationHeight,
    additionalRegisters: box.additionalRegisters,
    transactionId: box.transactionId,
    index: box.index,
  };
}
