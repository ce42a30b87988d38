import { blake2b256, hex, utf8 } from "@fleet-sdk/crypto";
import { describe, expect, it } from "vitest";
import { canonicalListingJson, listingHash } from "./listing.ts";

const listing = {
  region: "eu-west",
  pricePerHour: 1_500_000n,
  gpus: [{ vramGb: 24, model: "RTX 4090", count: 2 }],
};

describe("listingHash", () => {
  it("Should write canonical JSON: sorted keys at every depth, no whitespace, bigints as strings", () => {
    expect(canonicalListingJson(listing)).toBe(
      '{"gpus":[{"count":2,"model":"RTX 4090","vramGb":24}],"pricePerHour":"1500000","region":"eu-west"}',
    );
  });

  it("Should hash the canonical JSON bytes with blake2b256, whatever the key order", () => {
    const reordered = {
      gpus: [{ count: 2, model: "RTX 4090", vramGb: 24 }],
      region: "eu-west",
      pricePerHour: 1_500_000n,
    };
    const expected = hex.encode(blake2b256(utf8.decode(canonicalListingJson(listing))));
    expect(listingHash(listing)).toBe(expected);
    expect(listingHash(reordered)).toBe(expected);
    expect(listingHash({ ...listing, region: "us-east" })).not.toBe(expected);
  });

  it("Should keep array order and refuse numbers JSON cannot carry", () => {
    expect(listingHash({ gpus: ["a", "b"] })).not.toBe(listingHash({ gpus: ["b", "a"] }));
    expect(() => canonicalListingJson({ price: Number.NaN })).toThrow(RangeError);
  });
});
