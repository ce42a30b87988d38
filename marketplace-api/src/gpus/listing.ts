import { type ListingValue, listingHash as protocolListingHash } from "@gpuc/offchain";
import { z } from "zod";

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

/**
 * The listing hash a provider writes into its stake box's R5: `@gpuc/offchain`'s `listingHash` (blake2b256 of the
 * canonical JSON, keys sorted, no whitespace) of the listing as validated here, absent fields left out.
 */
export function listingHash(listing: Listing): string {
  const plain: ListingValue = JSON.parse(JSON.stringify(listing));
  return protocolListingHash(plain);
}

export function totalGpus(listing: Listing): number {
  return listing.gpus.reduce((sum, gpu) => sum + gpu.count, 0);
}
