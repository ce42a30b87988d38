import { CanonicalJsonError } from "./errors.ts";

/** A JSON value as canonical JSON takes it: bigints are written as decimal strings, `undefined` members left out. */
export type Json =
  | string
  | number
  | boolean
  | null
  | bigint
  | readonly Json[]
  | { readonly [key: string]: Json | undefined };

/**
 * Canonical JSON: object keys sorted by UTF-16 code units at every depth, no whitespace, `undefined` object
 * members left out, bigints as decimal strings. Two parties that hash or sign "the canonical JSON" of the same
 * data get the same bytes: the listing hash in a stake box's R5, the executor's heartbeat signature the
 * marketplace verifies. Anything without one JSON spelling is refused rather than written lossily: NaN and
 * ±Infinity (JSON.stringify would write `null`), `undefined` in an array, non-plain objects (Date, Map, class
 * instances), cycles, and nesting deeper than `MAX_DEPTH` (which would otherwise overflow the stack: `JSON.parse`
 * reads far deeper documents than a recursive writer can).
 *
 * @example
 * canonicalJson({ b: 1, a: [true, null], c: 10n }); // '{"a":[true,null],"b":1,"c":"10"}'
 */
export function canonicalJson(value: Json): string {
  return write(value, "", new Set());
}

/** Arrays and objects nested deeper than this are refused. */
export const MAX_DEPTH = 256;

function write(value: Json | undefined, path: string, open: Set<object>): string {
  switch (typeof value) {
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "bigint":
      return JSON.stringify(value.toString());
    case "number":
      if (!Number.isFinite(value)) throw new CanonicalJsonError(path, `the number ${value}`);
      return JSON.stringify(value);
    case "object":
      if (value === null) return "null";
      return Array.isArray(value) ? writeArray(value, path, open) : writeObject(value, path, open);
    default:
      throw new CanonicalJsonError(path, typeof value === "undefined" ? "undefined" : `a ${typeof value}`);
  }
}

function writeArray(items: readonly Json[], path: string, open: Set<object>): string {
  enter(items, path, open);
  const text = `[${items.map((item, index) => write(item, `${path}[${index}]`, open)).join(",")}]`;
  open.delete(items);
  return text;
}

function writeObject(value: object, path: string, open: Set<object>): string {
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    throw new CanonicalJsonError(path, `a ${prototype?.constructor?.name ?? "non-plain"} object`);
  }
  enter(value, path, open);
  const members = Object.entries(value as { readonly [key: string]: Json | undefined })
    .filter((entry): entry is [string, Json] => entry[1] !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, item]) => `${JSON.stringify(key)}:${write(item, path ? `${path}.${key}` : key, open)}`);
  open.delete(value);
  return `{${members.join(",")}}`;
}

function enter(value: object, path: string, open: Set<object>): void {
  if (open.has(value)) throw new CanonicalJsonError(path, "a reference to itself (a cycle)");
  if (open.size >= MAX_DEPTH) throw new CanonicalJsonError(path, `nesting deeper than ${MAX_DEPTH} levels`);
  open.add(value);
}

/** UTF-8 bytes of the canonical JSON: what is hashed or signed. */
export function canonicalJsonBytes(value: Json): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value));
}
