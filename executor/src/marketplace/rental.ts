import { z } from "zod";

/** Rental (instance) states shared with the marketplace. */
export const INSTANCE_STATES = ["Funded", "Starting", "Running", "Stopping", "Completed", "Failed"] as const;
export type InstanceState = (typeof INSTANCE_STATES)[number];

/** Why a rental ended, as the marketplace records it. */
export const STOP_REASONS = [
  "user_stopped",
  "funds_exhausted",
  "provider_down",
  "provider_rejected",
  "arbiter",
] as const;
export type StopReason = (typeof STOP_REASONS)[number];

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A rental as `GET /api/v1/providers/{id}/instances` returns it: what the executor must run. */
export const rentalSchema = z.object({
  id: z.uuid(),
  state: z.enum(INSTANCE_STATES),
  image: z.string().min(1).max(512),
  cmd: z.array(z.string()).max(256).optional(),
  env: z
    .record(z.string().regex(ENV_NAME, "environment names are letters, digits and _"), z.string())
    .optional(),
  ports: z.array(z.number().int().min(1).max(65535)).max(16).optional(),
  gpuIds: z.array(z.string().min(1)),
  hours: z.number().int().positive(),
  /** GPUC units (1 GPUC = 10^6) per billing period, as a decimal string. */
  pricePerHour: z.string().regex(/^\d+$/, "pricePerHour is an integer amount of GPUC units"),
  escrowBoxId: z.string().min(1),
  startHeight: z.number().int().nonnegative(),
  limits: z.object({
    cpus: z.number().positive(),
    memoryMb: z.number().int().positive(),
    pids: z.number().int().positive(),
    diskGb: z.number().positive(),
  }),
});

export type Rental = z.infer<typeof rentalSchema>;
