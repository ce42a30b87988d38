/** A JSON value; bigints are written as decimal strings. */
export type Json =
  | string
  | number
  | boolean
  | null
  | bigint
  | readonly Json[]
  | { readonly [key: string]: Json | undefined };

/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, `undefined` members dropped, bigints as
 * strings. Two parties that hash or sign "the canonical JSON" of the same data get the same bytes (the
 * listing hash, heartbeat signatures).
 *
 * @example
 * canonicalJson({ b: 1, a: [true, null] }) // '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: Json): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return JSON.stringify(value.toString());
  if (typeof value === "number") {
    if (!Number.isFinite(value))
      throw new TypeError("Canonical JSON has no representation for NaN or Infinity");
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(",")}]`;
  const entries = Object.entries(value as Record<string, Json | undefined>)
    .filter((entry): entry is [string, Json] => entry[1] !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
}
