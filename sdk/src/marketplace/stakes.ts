import * as z from "zod";
import { listingSchema } from "./listing.ts";
import { unsignedTxSchema } from "./transactions.ts";

const units = (what: string) => z.string().regex(/^\d+$/).describe(what);
const positive = (what: string) =>
  z
    .string()
    .regex(/^[1-9][0-9]{0,18}$/, "must be a positive whole number of nanoERG, as a string")
    .transform(BigInt)
    .describe(what);

/** `GET /api/v1/providers/{providerId}/stake`: a provider's stake as the marketplace follows it on chain. */
export const stakeStateSchema = z.object({
  providerId: z.uuid(),
  ownerAddress: z.string(),
  stakeBoxId: z.string(),
  stake: units("nanoERG staked"),
  bonded: z.boolean(),
  unbondingStart: z.number().int().nullable().describe("Height unbonding started at; null while bonded"),
  withdrawableAt: z
    .number()
    .int()
    .nullable()
    .describe(
      "First height the stake may be withdrawn at (unbonding start + unbondingBlocks); null while bonded",
    ),
  listingHash: z.string().describe("The listing hash the stake box commits to (R5)"),
  listingMatches: z.boolean().describe("Whether it is the hash of the provider's current listing"),
  gpus: z.number().int().describe("GPUs the listing offers"),
  minStakePerGpu: units("nanoERG of stake each listed GPU needs (Config)"),
  requiredStake: units("minStakePerGpu × gpus: what the listing needs to be searchable"),
  unbondingBlocks: z.number().int().nullable(),
});

/** `GET /api/v1/wallet/stake`: the signed-in address's own stake (before or after it lists as a provider). */
export const ownStakeSchema = z.object({
  stakeBoxId: z.string(),
  stake: units("nanoERG staked"),
  bonded: z.boolean(),
  unbondingStart: z.number().int().nullable(),
  withdrawableAt: z.number().int().nullable(),
  listingHash: z.string(),
  minStakePerGpu: units("nanoERG of stake each listed GPU needs (Config)"),
  unbondingBlocks: z.number().int().nullable(),
  confirmed: z.boolean().describe("false while the box is only in the mempool"),
});

export const createStakeRequest = z.object({
  amount: positive("nanoERG to stake"),
  listing: listingSchema.describe(
    "The listing the stake commits to (its hash goes into R5, as the CLI writes it)",
  ),
});

export const topUpStakeRequest = z.object({
  amount: positive("nanoERG to add"),
  listing: listingSchema.optional().describe("A new listing to point the stake at (R5), if it changed"),
});

/** A stake action to sign, and the stake as it will be once it confirms. */
export const stakeTxSchema = z.object({
  unsignedTx: unsignedTxSchema.describe(
    "EIP-12 unsigned transaction; sign with the wallet, then POST /api/v1/transactions",
  ),
  preview: z.object({
    stake: units("nanoERG staked after it (0 once withdrawn)"),
    bonded: z.boolean(),
    listingHash: z.string().nullable(),
    unbondingStart: z.number().int().nullable(),
    withdrawableAt: z.number().int().nullable(),
  }),
});

/** `GET /api/v1/providers/{providerId}/earnings`: what the provider was paid from escrows, per day and per payout. */
export const earningsSchema = z.object({
  providerId: z.uuid(),
  total: units("GPUC units paid to the provider (net of the protocol fee)"),
  days: z.array(
    z.object({
      day: z.string().describe("UTC day of the blocks, YYYY-MM-DD"),
      gpuc: units("GPUC units paid that day"),
      payouts: z.number().int(),
    }),
  ),
  payouts: z.array(
    z.object({
      txId: z.string(),
      kind: z
        .enum(["claim", "close"])
        .describe("claim: hours claimed, the escrow recreated; close: the escrow settled"),
      escrowBoxId: z.string(),
      instanceId: z.uuid().nullable(),
      gpuc: units("GPUC units to the provider"),
      height: z.number().int(),
      at: z.iso.datetime().describe("The block's time"),
    }),
  ),
});

/** `GET /api/v1/providers/{providerId}/executor`: the provider's executor as its heartbeats show it. */
export const executorStatusSchema = z.object({
  providerId: z.uuid(),
  online: z.boolean(),
  lastHeartbeatAt: z.iso.datetime().nullable(),
  executorUrl: z.string().nullable(),
  reliability: z.number().describe("Current reliability score in [0, 1] (decayed heartbeat coverage)"),
  heartbeatIntervalS: z.number().int(),
  uptime: z
    .array(
      z.object({
        day: z.string().describe("UTC day, YYYY-MM-DD"),
        intervals: z.number().int().describe("Heartbeat intervals with at least one heartbeat"),
        expected: z
          .number()
          .int()
          .describe("Heartbeat intervals in the part of the day the provider existed"),
        uptime: z.number().describe("intervals / expected, at most 1"),
      }),
    )
    .describe("Per day, from the stored heartbeats (the reliability window)"),
});

export type StakeState = z.output<typeof stakeStateSchema>;
export type OwnStake = z.output<typeof ownStakeSchema>;
export type StakeTx = z.output<typeof stakeTxSchema>;
export type Earnings = z.output<typeof earningsSchema>;
export type ExecutorStatus = z.output<typeof executorStatusSchema>;
export type CreateStakeRequest = z.input<typeof createStakeRequest>;
export type TopUpStakeRequest = z.input<typeof topUpStakeRequest>;
