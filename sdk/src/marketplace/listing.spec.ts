import { blake2b256, hex, utf8 } from "@fleet-sdk/crypto";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../canonical-json.ts";
import { CanonicalJsonError } from "../errors.ts";
import { listingHash, listingSchema, totalGpus } from "./listing.ts";

const listing = {
  region: "eu-west",
  pricePerHour: 1_500_000n,
  gpus: [{ vramGb: 24, model: "RTX 4090", count: 2 }],
};

const SAMPLE = {
  region: "eu-west",
  gpus: [
    {
      model: "RTX 4090",
      vramGb: 24,
      count: 2,
      cudaVersion: "12.4",
      cpuCores: 16,
      ramGb: 64,
      diskGb: 500,
      pricePerHour: "1500000",
      minHours: 1,
      maxHours: 72,
    },
  ],
};

describe("listingHash", () => {
  it("Should write canonical JSON: sorted keys at every depth, no whitespace, bigints as strings", () => {
    expect(canonicalJson(listing)).toBe(
      '{"gpus":[{"count":2,"model":"RTX 4090","vramGb":24}],"pricePerHour":"1500000","region":"eu-west"}',
    );
  });

  it("Should hash the canonical JSON bytes with blake2b256, whatever the key order", () => {
    const reordered = {
      gpus: [{ count: 2, model: "RTX 4090", vramGb: 24 }],
      region: "eu-west",
      pricePerHour: 1_500_000n,
    };
    const expected = hex.encode(blake2b256(utf8.decode(canonicalJson(listing))));
    expect(listingHash(listing)).toBe(expected);
    expect(listingHash(reordered)).toBe(expected);
    expect(listingHash({ ...listing, region: "us-east" })).not.toBe(expected);
  });

  it("Should keep array order and refuse numbers JSON cannot carry", () => {
    expect(listingHash({ gpus: ["a", "b"] })).not.toBe(listingHash({ gpus: ["b", "a"] }));
    expect(() => canonicalJson({ price: Number.NaN })).toThrow(CanonicalJsonError);
  });

  it("Should give the hashes stake boxes on chain already hold (fixed vectors)", () => {
    expect(listingHash(listing)).toBe("3d43d016a803dcc195681c4210013a028df6a7049e04b58c80a36815ca361284");
    expect(listingHash(listingSchema.parse(SAMPLE))).toBe(
      "c0461ee5a0be1d2474300cfbd6ca4044272950ad73ea78e2d74621053b41b9ed",
    );
  });

  it("Should hash the listing as the schema parsed it: trimmed, absent fields left out", () => {
    const untidy = { ...SAMPLE, gpus: [{ ...SAMPLE.gpus[0]!, model: "  RTX 4090 ", deviceIds: undefined }] };
    expect(listingHash(listingSchema.parse(untidy))).toBe(listingHash(listingSchema.parse(SAMPLE)));
    expect(totalGpus(listingSchema.parse(SAMPLE))).toBe(2);
  });
});
