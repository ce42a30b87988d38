import * as z from "zod";

const hex = z
  .string()
  .regex(/^([0-9a-fA-F]{2})*$/, "must be hex")
  .max(20_000);
const id32 = z.string().regex(/^[0-9a-fA-F]{64}$/, "must be a 32-byte hex id");
const amount = z.union([z.string().regex(/^[0-9]{1,20}$/), z.number().int().nonnegative()]).transform(String);

/** An EIP-12 unsigned transaction as the marketplace returns it to sign (`sign_tx` takes it as is). */
export const unsignedTxSchema = z
  .record(z.string(), z.unknown())
  .describe("EIP-12 unsigned transaction; sign with the wallet");

/** A wallet-signed transaction (EIP-12 `sign_tx` result), amounts as strings or safe integers. */
export const signedTxSchema = z.object({
  id: id32,
  inputs: z
    .array(
      z.object({
        boxId: id32,
        spendingProof: z.object({ proofBytes: hex, extension: z.record(z.string(), hex) }),
      }),
    )
    .min(1)
    .max(500),
  dataInputs: z
    .array(z.object({ boxId: id32 }))
    .max(100)
    .default([]),
  outputs: z
    .array(
      z.object({
        boxId: id32,
        value: amount,
        ergoTree: hex,
        creationHeight: z.number().int().nonnegative(),
        assets: z.array(z.object({ tokenId: id32, amount })).max(100),
        additionalRegisters: z.record(z.string().regex(/^R[4-9]$/), hex),
        transactionId: id32,
        index: z.number().int().nonnegative(),
      }),
    )
    .min(1)
    .max(500),
  size: z.number().int().optional(),
});

export type UnsignedTx = z.output<typeof unsignedTxSchema>;
export type SignedTxInput = z.input<typeof signedTxSchema>;
export type SignedTx = z.output<typeof signedTxSchema>;
