import * as z from "zod";

const units = (what: string) =>
  z
    .string()
    .regex(/^-?\d+$/)
    .describe(what);

/** `GET /api/v1/protocol/totals`: the auditor's view of the protocol, from the chain index and the marketplace. */
export const protocolTotalsSchema = z.object({
  height: z.number().int().nullable().describe("The indexed height these figures are at"),
  gpucSupply: units("GPUC units minted (all of them into the Bank at deployment)"),
  indexedGpuc: units("GPUC units in unspent boxes the index holds: equals the supply when nothing was lost"),
  bankGpuc: units("GPUC units still in the Bank (unissued)"),
  outsideBank: units("gpucSupply − bankGpuc"),
  debts: units("Σ debts of the unspent Credit Accounts"),
  swapIssued: units("GPUC net issued by Bank swaps (transactions that moved the Bank's stable reserve)"),
  unexplained: units(
    "GPUC that left the Bank in transactions that neither moved debt by as much nor swapped: must be 0",
  ),
  accounts: z.number().int(),
  escrowedGpuc: units("GPUC units held by unspent rental escrows"),
  escrows: z.number().int(),
  invariant: z.object({
    holds: z.boolean().describe("The LETS invariant: conserved and backed"),
    conserved: z.boolean().describe("indexedGpuc = gpucSupply"),
    backed: z.boolean().describe("debts = outsideBank − swapIssued, and unexplained = 0"),
  }),
  days: z
    .array(
      z.object({
        day: z.string().describe("UTC day of the blocks, YYYY-MM-DD"),
        claims: z.number().int().describe("Escrow spends that recreated the escrow (hourly claims)"),
        closes: z.number().int().describe("Escrow spends that settled it"),
        providerGpuc: units("GPUC units paid to providers (net of fees)"),
        fees: units("GPUC units paid to the treasury"),
      }),
    )
    .describe("Per day, from the indexed escrow spends"),
  openDisputes: z.number().int(),
});

export type ProtocolTotals = z.output<typeof protocolTotalsSchema>;
