import * as z from "zod";
import { pageOf } from "./common.ts";
import {
  CLOSE_REASONS,
  EXECUTOR_REASONS,
  EXECUTOR_STATES,
  INSTANCE_STATES,
  type InstanceState,
  isOneOf,
  RENTAL_STATES,
} from "./states.ts";
import { signedTxSchema, unsignedTxSchema } from "./transactions.ts";

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, "must be a shell variable name");

export const createInstanceRequest = z.object({
  gpuId: z.uuid().describe("The GPU offer to rent"),
  hours: z.number().int().min(1).max(8760).describe("Prepaid hours"),
  image: z
    .string()
    .trim()
    .min(1)
    .max(256)
    .regex(/^[\w.\-/:@]+$/, "must be a container image reference"),
  cmd: z.array(z.string().max(4096)).max(64).optional(),
  env: z.record(envName, z.string().max(8192)).optional(),
  ports: z.array(z.number().int().min(1).max(65535)).max(16).optional(),
});

export const instanceSchema = z.object({
  id: z.uuid(),
  state: z.enum(INSTANCE_STATES),
  consumerAddress: z.string(),
  providerId: z.uuid(),
  gpuId: z.uuid(),
  image: z.string(),
  cmd: z.array(z.string()).nullable(),
  ports: z.array(z.number().int()).nullable(),
  hours: z.number().int(),
  pricePerHour: z.string().describe("GPUC units"),
  amount: z.string().describe("GPUC units the escrow must hold: pricePerHour × hours"),
  escrowTxId: z.string().nullable(),
  escrowBoxId: z.string().nullable(),
  startHeight: z.number().int().nullable(),
  fundedAt: z.iso.datetime().nullable(),
  expiresAt: z.iso.datetime().nullable().describe("When the prepaid hours end"),
  closeReason: z.enum(CLOSE_REASONS).nullable(),
  billedSeconds: z.number().int().nullable(),
  closeDetail: z
    .string()
    .nullable()
    .describe(
      "Why it closed, in the words of whoever closed it (e.g. the executor's reason for refusing it)",
    ),
  settlementTxId: z
    .string()
    .nullable()
    .describe(
      "The transaction that closed the escrow: provider close, consumer exit, expiry refund or arbiter resolve",
    ),
  disputeReason: z.string().nullable(),
  disputeReceiptLeaf: z
    .string()
    .nullable()
    .optional()
    .describe("The usage receipt (its Merkle leaf) the consumer's dispute names, if it names one"),
  resolvedReceiptLeaf: z
    .string()
    .nullable()
    .optional()
    .describe("The usage receipt (its Merkle leaf) the arbiter's resolution was about, if any"),
  executorUrl: z
    .string()
    .nullable()
    .describe(
      "Where the provider's executor serves logs/exec/stop to the holder of this instance's credential",
    ),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export const createdInstanceSchema = z.object({
  instance: instanceSchema,
  unsignedTx: unsignedTxSchema.describe(
    "EIP-12 unsigned transaction opening the escrow; sign with the wallet",
  ),
});

export const fundingRequest = z.object({
  signedTx: signedTxSchema.describe("The wallet's signed escrow transaction (EIP-12 sign_tx result)"),
});

export const extendRequest = z.object({
  hours: z.number().int().min(1).max(8760).describe("Hours to add to the prepaid ones"),
});

const receiptLeafField = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, "must be a receipt's leaf hash (64 hex digits)")
  .transform((leaf) => leaf.toLowerCase());

export const disputeRequest = z.object({
  reason: z.string().trim().min(1).max(2000).describe("What went wrong, for the arbiter"),
  receiptLeaf: receiptLeafField
    .optional()
    .describe("The usage receipt disputed, by its leaf hash (GET /api/v1/instances/{id}/receipts)"),
});

export const resolveRequest = z.object({
  providerShare: z
    .string()
    .regex(/^[0-9]{1,19}$/, "must be a whole number of GPUC units")
    .transform(BigInt)
    .describe(
      "GPUC units (gross, the protocol fee is taken from it) to the provider; the rest to the consumer",
    ),
  receiptLeaf: receiptLeafField
    .optional()
    .describe(
      "The usage receipt the resolution is about, by its leaf hash (default: the one the dispute names)",
    ),
});

export const listInstancesQuery = z.object({
  state: z.enum(INSTANCE_STATES).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const instancePage = pageOf(instanceSchema);

export const instanceEventRequest = z.object({
  state: z.enum(EXECUTOR_STATES),
  reason: z
    .enum(EXECUTOR_REASONS)
    .optional()
    .describe(
      "Why the rental closes. Failed takes provider_rejected (provider_down is recorded as provider_rejected); 'arbiter' is the marketplace's alone",
    ),
  detail: z.string().max(2000).optional(),
  billedSeconds: z
    .number()
    .int()
    .min(0)
    .max(10 * 366 * 24 * 3600)
    .optional(),
});

const stateList = z
  .string()
  .max(200)
  .transform((text, ctx) => {
    const states = text.split(",").map((s) => s.trim());
    const unknown = states.filter((s) => !isOneOf(s, INSTANCE_STATES));
    if (unknown.length) ctx.addIssue({ code: "custom", message: `unknown states: ${unknown.join(", ")}` });
    return states.filter((s): s is InstanceState => isOneOf(s, INSTANCE_STATES));
  });

export const executorInstancesQuery = z.object({
  state: stateList.optional().describe("Comma-separated states; default Funded,Starting,Running,Stopping"),
});

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A rental as the provider's executor gets it (`GET /api/v1/providers/{id}/instances`): what it must run. */
export const executorInstanceSchema = z.object({
  id: z.uuid(),
  state: z.enum(INSTANCE_STATES),
  image: z.string().min(1).max(512),
  cmd: z.array(z.string()).max(256).optional(),
  env: z
    .record(z.string().regex(ENV_NAME, "environment names are letters, digits and _"), z.string())
    .optional(),
  ports: z.array(z.number().int().min(1).max(65535)).max(16).optional(),
  gpuIds: z.array(z.string().min(1)).describe("Device ids on the provider's machine"),
  hours: z.number().int().positive(),
  pricePerHour: z.string().regex(/^\d+$/, "pricePerHour is an integer amount of GPUC units"),
  escrowBoxId: z.string().nullable(),
  startHeight: z.number().int().nullable(),
  expiresAt: z.iso.datetime().nullable(),
  consumerAddress: z.string(),
  limits: z
    .object({
      cpus: z.number().positive(),
      memoryMb: z.number().int().positive(),
      pids: z.number().int().positive(),
      diskGb: z.number().positive(),
    })
    .describe("What the container may use: CPUs (fractions allowed), memory, processes, disk"),
});

export const executorInstanceListSchema = z.object({ items: z.array(executorInstanceSchema) });

/**
 * A rental the executor runs: an executor instance whose escrow is on chain (so with its box and clock), in a
 * state the executor knows. What it keeps, and what it rebuilds from a container's labels.
 */
export const rentalSchema = executorInstanceSchema.omit({ expiresAt: true, consumerAddress: true }).extend({
  state: z.enum(RENTAL_STATES),
  escrowBoxId: z.string().min(1),
  startHeight: z.number().int().nonnegative(),
});

export const instanceIdParams = z.object({ id: z.uuid() });

export type CreateInstanceRequest = z.input<typeof createInstanceRequest>;
export type Instance = z.output<typeof instanceSchema>;
export type CreatedInstance = z.output<typeof createdInstanceSchema>;
export type InstanceEvent = z.input<typeof instanceEventRequest>;
export type ExecutorInstance = z.output<typeof executorInstanceSchema>;
export type Rental = z.output<typeof rentalSchema>;
