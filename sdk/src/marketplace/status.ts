import * as z from "zod";

export const statusSchema = z.object({
  status: z.literal("ok"),
  network: z.enum(["mainnet", "testnet"]),
  indexer: z.object({
    enabled: z.boolean(),
    height: z.number().int().nullable().describe("Height of the last indexed block"),
    headerId: z.string().nullable(),
  }),
});

export type MarketplaceStatus = z.output<typeof statusSchema>;
