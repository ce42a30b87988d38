import { blake2b256, hex, utf8 } from "@fleet-sdk/crypto";

/** A JSON value as a listing holds it; bigints are written as decimal strings. */
export type ListingValue =
  | string
  | number
  | boolean
  | null
  | bigint
  | readonly ListingValue[]
  | { readonly [key: string]: ListingValue };

/**
 * Canonical JSON of a listing: object keys sorted (by UTF-16 code units, as `Array.prototype.sort`), no
 * whitespace, bigints as decimal strings. Two parties serialising the same listing get the same bytes.
 *
 * @example
 * canonicalListingJson({ region: "eu", gpus: [{ model: "RTX 4090", count: 2 }] })
 * // '{"gpus":[{"count":2,"model":"RTX 4090"}],"region":"eu"}'
 */
export function canonicalListingJson(listing: ListingValue): string {
  if (listing === null || typeof listing === "boolean" || typeof listing === "string") {
    return JSON.stringify(listing);
  }
  if (typeof listing === "bigint") return JSON.stringify(listing.toString());
  if (typeof listing === "number") {
    if (!Number.isFinite(listing)) throw new RangeError(`A listing cannot hold the number ${listing}`);
    return JSON.stringify(listing);
  }
  if (Array.isArray(listing)) return `[${listing.map((item) => canonicalListingJson(item)).join(",")}]`;
  const entries = Object.entries(listing as { readonly [key: string]: ListingValue })
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${canonicalListingJson(value)}`).join(",")}}`;
}

/**
 * The listing hash a Provider Stake box carries in R5: blake2b256 of the canonical listing JSON (GPUs, prices,
 * region — whatever the marketplace lists), hex.
 *
 * @example
 * const hash = listingHash({ gpus: [{ model: "RTX 4090", vramGb: 24, count: 2 }], pricePerHour: 1_500_000n, region: "eu-west" });
 */
export function listingHash(listing: ListingValue): string {
  return hex.encode(blake2b256(utf8.decode(canonicalListingJson(listing))));
}
