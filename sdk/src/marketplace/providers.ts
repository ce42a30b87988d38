import * as z from "zod";
import { listingSchema } from "./listing.ts";

export const boxIdSchema = z.string().regex(/^[0-9a-f]{64}$/, "must be a 64-character lowercase hex box id");

export const registerProviderRequest = z.object({
  name: z.string().trim().min(1).max(100),
  stakeBoxId: boxIdSchema.describe("Your Provider Stake box; its R5 must hold the listing hash"),
  listing: listingSchema,
});

export const updateListingRequest = z.object({
  stakeBoxId: boxIdSchema.optional().describe("The recreated stake box, if its id changed"),
  listing: listingSchema,
});

export const providerSchema = z.object({
  id: z.uuid(),
  ownerAddress: z.string(),
  name: z.string(),
  region: z.string(),
  stakeBoxId: z.string(),
  stakeNanoErg: z.string(),
  bonded: z.boolean(),
  listingHash: z.string().nullable(),
  online: z.boolean(),
  reliability: z.number(),
  lastHeartbeatAt: z.iso.datetime().nullable(),
  listed: z
    .boolean()
    .describe("Whether its GPUs are searchable: stake bonded, covering minStakePerGpu × GPUs, hash matching"),
});

export const providerListSchema = z.object({ items: z.array(providerSchema) });
export const listingHashResponse = z.object({ listingHash: z.string(), gpus: z.number().int() });
export const providerIdParams = z.object({ providerId: z.uuid() });

export type RegisterProviderRequest = z.input<typeof registerProviderRequest>;
export type UpdateListingRequest = z.input<typeof updateListingRequest>;
export type Provider = z.output<typeof providerSchema>;
export type ListingHash = z.output<typeof listingHashResponse>;
