import { blake2b256, hex } from "@fleet-sdk/crypto";
import * as z from "zod";
import { canonicalJsonBytes } from "../canonical-json.ts";

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex digits");
const hexBytes = z.string().regex(/^([0-9a-fA-F]{2}){1,256}$/, "must be hex");
const isoUtc = z.iso.datetime();
const percent = z.number().min(0).max(100);
const mebibytes = z.number().min(0).max(1e9);

/**
 * The signed body of one billing period's usage receipt (version 1), as the executor writes it. Strict: a member
 * the schema does not know is refused rather than dropped, since dropping it would change the signed bytes.
 */
export const usageReceiptSchema = z
  .strictObject({
    version: z.literal(1),
    instanceId: z.uuid(),
    escrowBoxId: hex64.describe(
      "The box that opened the rental's escrow: the stable id of its escrow lineage",
    ),
    provider: z
      .string()
      .min(1)
      .max(128)
      .describe("The provider's P2PK address; the signature is checked against it"),
    period: z.number().int().min(1).max(1e6).describe("1-based billing period"),
    periodStart: isoUtc,
    periodEnd: isoUtc,
    seconds: z
      .number()
      .int()
      .min(0)
      .max(3600)
      .describe("Seconds the container ran in the period (Docker's clock)"),
    imageDigest: z
      .string()
      .regex(/^sha256:[0-9a-f]{64}$/, "must be sha256:<64 hex>")
      .describe("The content digest of the image actually run, not its tag"),
    gpus: z.array(z.strictObject({ uuid: z.string().min(1).max(128), model: z.string().max(128) })).max(64),
    gpuUtilization: z.strictObject({ meanPct: percent, maxPct: percent }),
    gpuMemory: z.strictObject({ meanMiB: mebibytes, maxMiB: mebibytes }),
    exitState: z.enum(["running", "exited", "stopped", "failed"]),
    exitCode: z.number().int().min(-2147483648).max(4294967295).optional(),
    issuedAt: isoUtc,
  })
  .refine((receipt) => Date.parse(receipt.periodStart) <= Date.parse(receipt.periodEnd), {
    message: "periodEnd must not be before periodStart",
    path: ["periodEnd"],
  });

export type UsageReceipt = z.output<typeof usageReceiptSchema>;

export const signedReceiptSchema = z.strictObject({
  receipt: usageReceiptSchema,
  signature: hexBytes.describe(
    "Provider wallet signature (sign_message_using_p2pk) over receiptMessage(receipt)",
  ),
});

export type SignedReceipt = z.output<typeof signedReceiptSchema>;

/** What one settlement transaction (claim or provider close) proves: its receipts, whose Merkle root is in R5. */
export const receiptBatchSchema = z.strictObject({
  txId: hex64,
  root: hex64,
  receipts: z.array(signedReceiptSchema).min(1).max(10_000),
});

export type ReceiptBatch = z.output<typeof receiptBatchSchema>;

/** The marketplace's answer to a receipt batch PUT (200 stored or already stored): which tx and root it holds. */
export const receiptBatchAckSchema = z.object({ txId: hex64, root: hex64 });

export type ReceiptBatchAck = z.output<typeof receiptBatchAckSchema>;

export const merkleStepSchema = z.strictObject({ side: z.enum(["left", "right"]), hash: hex64 });

export type MerkleStep = z.output<typeof merkleStepSchema>;

/** `GET /instances/{id}/receipts` (marketplace and executor): each receipt with its proof and what was checked. */
export const instanceReceiptsResponse = z.object({
  receipts: z.array(
    z.object({
      receipt: usageReceiptSchema,
      signature: hexBytes,
      leaf: hex64,
      txId: hex64,
      root: hex64,
      proof: z.array(merkleStepSchema),
      checks: z.object({
        signature: z.boolean(),
        root: z.boolean(),
        onChain: z
          .boolean()
          .nullable()
          .describe("null: the transaction is not indexed yet (always null on an executor)"),
      }),
    }),
  ),
});

export type InstanceReceipts = z.output<typeof instanceReceiptsResponse>;

/** The bytes a receipt's signature covers: UTF-8 of its canonical JSON. Signer and verifiers call this one function. */
export function receiptMessage(receipt: UsageReceipt): Uint8Array {
  return canonicalJsonBytes(receipt);
}

/**
 * A receipt's Merkle leaf (hex): blake2b256(0x00 ‖ canonical JSON of the signed receipt). The signature is inside
 * the hash, so a receipt re-signed by another key is another leaf; the 0x00 prefix keeps a leaf from ever being
 * read as an inner node (0x01).
 */
export function receiptLeaf(signed: SignedReceipt): string {
  const body = canonicalJsonBytes(signed);
  const prefixed = new Uint8Array(body.length + 1);
  prefixed.set(body, 1);
  return hex.encode(blake2b256(prefixed));
}

/** Receipts in tree order: by instance id, then period. A copy; the input is left as it was. */
export function sortReceipts<T extends SignedReceipt>(receipts: readonly T[]): T[] {
  return [...receipts].sort(
    (a, b) =>
      compareStrings(a.receipt.instanceId, b.receipt.instanceId) || a.receipt.period - b.receipt.period,
  );
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A signature check as ergo-lib's `verify_signature(address, message, signature)` does it (injected: the sdk has no wasm). */
export type SignatureCheck = (address: string, message: Uint8Array, signature: Uint8Array) => boolean;

/**
 * Whether `signed` is a well-formed receipt signed by the provider it names (`expectedProvider`, when given, must be
 * that provider too). A tampered body, or one signed by another key, fails; malformed input fails, never throws.
 */
export function receiptSignatureValid(
  signed: unknown,
  check: SignatureCheck,
  expectedProvider?: string,
): boolean {
  const parsed = signedReceiptSchema.safeParse(signed);
  if (!parsed.success) return false;
  const { receipt, signature } = parsed.data;
  if (expectedProvider !== undefined && receipt.provider !== expectedProvider) return false;
  try {
    return check(receipt.provider, receiptMessage(receipt), hex.decode(signature));
  } catch {
    return false;
  }
}
