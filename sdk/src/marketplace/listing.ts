import { blake2b256, hex } from "@fleet-sdk/crypto";
import * as z from "zod";
import { canonicalJsonBytes, type Json } from "../canonical-json.ts";

const units = z
  .string()
  .regex(/^[1-9][0-9]{0,17}$/, "must be a positive integer amount of GPUC units (1 GPUC = 1,000,000)");

export const listingGpuSchema = z
  .object({
    model: z.string().trim().min(1).max(64),
    vramGb: z.number().int().min(1).max(1024),
    count: z.number().int().min(1).max(64),
    deviceIds: z
      .array(z.string().min(1).max(64))
      .min(1)
      .max(64)
      .optional()
      .describe("Device ids on the machine; default 0..count-1"),
    cudaVersion: z.string().regex(/^\d{1,2}\.\d{1,2}$/, "must look like 12.4"),
    cpuCores: z.number().int().min(1).max(4096),
    ramGb: z.number().int().min(1).max(65536),
    diskGb: z.number().int().min(1).max(1_000_000),
    pricePerHour: units.describe("GPUC units per hour for the whole offer"),
    minHours: z.number().int().min(1).max(8760),
    maxHours: z.number().int().min(1).max(8760),
  })
  .refine((gpu) => gpu.minHours <= gpu.maxHours, {
    message: "minHours must not exceed maxHours",
    path: ["minHours"],
  })
  .refine((gpu) => !gpu.deviceIds || gpu.deviceIds.length === gpu.count, {
    message: "deviceIds must list one id per GPU",
    path: ["deviceIds"],
  });

/** A provider's GPU listing: what its stake box's R5 commits to by `listingHash`. */
export const listingSchema = z.object({
  region: z
    .string()
    .trim()
    .min(2)
    .max(32)
    .regex(/^[a-z0-9-]+$/, "must be lowercase letters, digits and dashes, e.g. eu-west"),
  gpus: z.array(listingGpuSchema).min(1).max(64),
});

export type Listing = z.output<typeof listingSchema>;
export type ListingGpu = z.output<typeof listingGpuSchema>;

/**
 * The listing hash a Provider Stake box carries in R5: blake2b256 of the listing's canonical JSON (keys sorted,
 * no whitespace, absent fields left out, bigints as decimal strings), hex. Hash the listing as `listingSchema`
 * parsed it (trimmed), as the marketplace does.
 *
 * @example
 * listingHash(listingSchema.parse(input)); // "c0461ee5…"
 */
export function listingHash(listing: Listing | Json): string {
  return hex.encode(blake2b256(canonicalJsonBytes(listing)));
}

/** How many GPUs a listing offers, over all its offers. */
export function totalGpus(listing: Listing): number {
  return listing.gpus.reduce((sum, gpu) => sum + gpu.count, 0);
}
