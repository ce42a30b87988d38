import * as z from "zod";
import { instanceSchema } from "./instances.ts";
import { unsignedTxSchema } from "./transactions.ts";

const units = (what: string) => z.string().regex(/^\d+$/).describe(what);

/** `POST /api/v1/instances/{id}/exit`: the consumer-exit transaction (the escrow's trustless refund path). */
export const exitTxSchema = z.object({
  instance: instanceSchema,
  unsignedTx: unsignedTxSchema.describe(
    "EIP-12 unsigned consumer-exit transaction spending the escrow; sign with the wallet, then POST it to /exit/funding",
  ),
  refund: units("GPUC units back to the consumer"),
  providerShare: units(
    "GPUC units (gross) to the provider: every started, unpaid, prepaid hour; the protocol fee is taken from it",
  ),
  fee: units("GPUC units of the provider share that go to the treasury"),
  height: z
    .number()
    .int()
    .describe(
      "Built for the block after this height: if a billing hour starts before it is mined, the node refuses it; ask again",
    ),
});

export type ExitTx = z.output<typeof exitTxSchema>;
