import { z } from "zod";
import { CLOSE_REASONS, EXECUTOR_REASONS, INSTANCE_STATES } from "./state-machine.ts";

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
  settlementTxId: z.string().nullable().describe("Arbiter resolve transaction (provider_down or dispute)"),
  disputeReason: z.string().nullable(),
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
  unsignedTx: z
    .record(z.string(), z.unknown())
    .describe("EIP-12 unsigned transaction opening the escrow; sign with the wallet"),
});

const hex = z
  .string()
  .regex(/^([0-9a-fA-F]{2})*$/, "must be hex")
  .max(20_000);
const id32 = z.string().regex(/^[0-9a-fA-F]{64}$/, "must be a 32-byte hex id");
const amount = z.union([z.string().regex(/^[0-9]{1,20}$/), z.number().int().nonnegative()]).transform(String);

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

export const fundingRequest = z.object({
  signedTx: signedTxSchema.describe("The wallet's signed escrow transaction (EIP-12 sign_tx result)"),
});

export const extendRequest = z.object({
  hours: z.number().int().min(1).max(8760).describe("Hours to add to the prepaid ones"),
});

export const disputeRequest = z.object({
  reason: z.string().trim().min(1).max(2000).describe("What went wrong, for the arbiter"),
});

export const resolveRequest = z.object({
  providerShare: z
    .string()
    .regex(/^[0-9]{1,19}$/, "must be a whole number of GPUC units")
    .transform(BigInt)
    .describe(
      "GPUC units (gross, the protocol fee is taken from it) to the provider; the rest to the consumer",
    ),
});

export const listInstancesQuery = z.object({
  state: z.enum(INSTANCE_STATES).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const instancePage = z.object({
  items: z.array(instanceSchema),
  page: z.number().int(),
  limit: z.number().int(),
  total: z.number().int(),
});

export const EXECUTOR_STATES = ["Starting", "Running", "Stopping", "Completed", "Failed"] as const;

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
    const unknown = states.filter((s) => !(INSTANCE_STATES as readonly string[]).includes(s));
    if (unknown.length) ctx.addIssue({ code: "custom", message: `unknown states: ${unknown.join(", ")}` });
    return states as (typeof INSTANCE_STATES)[number][];
  });

export const executorInstancesQuery = z.object({
  state: stateList.optional().describe("Comma-separated states; default Funded,Starting,Running,Stopping"),
});

export const executorInstanceSchema = z.object({
  id: z.uuid(),
  state: z.enum(INSTANCE_STATES),
  image: z.string(),
  cmd: z.array(z.string()).optional(),
  env: z.record(z.string(), z.string()).optional(),
  ports: z.array(z.number().int()).optional(),
  gpuIds: z.array(z.string()).describe("Device ids on the provider's machine"),
  hours: z.number().int(),
  pricePerHour: z.string(),
  escrowBoxId: z.string().nullable(),
  startHeight: z.number().int().nullable(),
  expiresAt: z.iso.datetime().nullable(),
  consumerAddress: z.string(),
  limits: z.object({
    cpus: z.number().int(),
    memoryMb: z.number().int(),
    pids: z.number().int(),
    diskGb: z.number().int(),
  }),
});

export const instanceIdParams = z.object({ id: z.uuid() });

export type Instance = z.output<typeof instanceSchema>;
export type ExecutorInstance = z.output<typeof executorInstanceSchema>;
