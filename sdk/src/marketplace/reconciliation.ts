import * as z from "zod";

/**
 * What the marketplace's reconciliation of settlements against usage receipts can find wrong (0 of each expected):
 * - `missing_batch`: a claim on chain whose receipts were never pushed (after a grace of some blocks);
 * - `root_onchain`: the provider payout's R5 root is not the root of the receipts pushed for the transaction;
 * - `batch_root`: the stored receipts do not hash to the batch's root (a receipt changed or added after signing);
 * - `signature`: a receipt not signed by the escrow's provider (tampered, or signed by another key);
 * - `lineage`: a receipt naming another escrow lineage than the rental's;
 * - `missing_receipt`: a claimed period without a receipt of a full period's seconds;
 * - `unclaimed_period`: a receipt for a period the transaction does not pay;
 * - `close_seconds`: a provider close's receipts do not sum to the seconds it pays (the executor's metered
 *   seconds less the claimed periods);
 * - `metered_seconds`: all of an ended rental's receipts do not sum to the executor's metered seconds.
 */
export const RECEIPT_MISMATCH_KINDS = [
  "missing_batch",
  "root_onchain",
  "batch_root",
  "signature",
  "lineage",
  "missing_receipt",
  "unclaimed_period",
  "close_seconds",
  "metered_seconds",
] as const;

export type ReceiptMismatchKind = (typeof RECEIPT_MISMATCH_KINDS)[number];

export const receiptMismatchSchema = z.object({
  txId: z.string(),
  kind: z.string(),
  /** A leaf, `period N`, or "" for the transaction as a whole. */
  subject: z.string(),
  detail: z.string(),
  foundAt: z.iso.datetime(),
});

/** `GET /api/v1/protocol/receipt-mismatches`: counts by kind (every kind, 0 included) and the latest findings. */
export const receiptMismatchesResponse = z.object({
  counts: z.record(z.string(), z.number().int().min(0)),
  items: z.array(receiptMismatchSchema),
});

export type ReceiptMismatch = z.output<typeof receiptMismatchSchema>;
export type ReceiptMismatches = z.output<typeof receiptMismatchesResponse>;
