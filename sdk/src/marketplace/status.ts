import * as z from "zod";

export const statusSchema = z.object({
  status: z.literal("ok"),
  network: z.enum(["mainnet", "testnet"]),
  gpucTokenId: z
    .string()
    .nullable()
    .default(null)
    .describe("The GPUC token id of the deployment this marketplace serves (null before one is configured)"),
  indexer: z.object({
    enabled: z.boolean(),
    height: z.number().int().nullable().describe("Height of the last indexed block"),
    headerId: z.string().nullable(),
  }),
});

export type MarketplaceStatus = z.output<typeof statusSchema>;
