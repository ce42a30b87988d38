import * as z from "zod";
import { pageOf } from "./common.ts";

/**
 * `"NVIDIA GeForce RTX 4090"` → `"rtx4090"`: lowercase letters and digits, vendor words dropped. The key GPU
 * models are compared by (the `gpu_name` filter, the performance table).
 */
export function modelKey(model: string): string {
  return model
    .toLowerCase()
    .replace(/\b(nvidia|geforce|tesla|quadro)\b/g, "")
    .replace(/[^a-z0-9]/g, "");
}

/**
 * An offer's verification: `verified` (answered in time, the listed devices, near its model's figure), `unverified`
 * (measured far below it), `failed` (late, other devices, bad signature or nonce), `pending` (nothing answered yet).
 */
export const VERIFICATION_STATES = ["pending", "verified", "unverified", "failed"] as const;
export type VerificationState = (typeof VERIFICATION_STATES)[number];

const flag = z.enum(["true", "false", "1", "0"]).transform((value) => value === "true" || value === "1");

export const GPU_SORTS = [
  "price",
  "-price",
  "reliability",
  "price_per_performance",
  "price_per_measured_tflops",
] as const;
export type GpuSort = (typeof GPU_SORTS)[number];

/** The query of `GET /api/v1/gpus` as the server reads it (strings in, typed values out). */
export const searchQuery = z.object({
  gpu_name: z
    .string()
    .trim()
    .max(64)
    .refine((name) => modelKey(name) !== "", "must contain letters or digits of a model name")
    .optional()
    .describe("Part of the model name, e.g. 4090"),
  min_vram: z.coerce.number().int().min(0).max(1_000_000).optional().describe("GB per GPU"),
  num_gpus: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .optional()
    .describe("At least this many GPUs in the offer"),
  max_price: z
    .string()
    .regex(/^[0-9]{1,18}$/, "must be GPUC units")
    .optional()
    .describe("GPUC units per hour"),
  region: z.string().trim().min(1).max(32).optional(),
  min_reliability: z.coerce.number().min(0).max(1).optional(),
  available: flag.optional().describe("Only offers online and not rented now"),
  include_unverified: flag
    .optional()
    .describe("Also offers whose benchmark fell short of their model or whose challenge failed"),
  sort: z.enum(GPU_SORTS).default("price"),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export type SearchQuery = z.output<typeof searchQuery>;

/**
 * The filters of a GPU search as a client writes them; unset ones are left out of the query. Strings pass through
 * as typed (the server's message names what is wrong with them); `max_price` is GPUC units.
 */
export interface GpuSearch {
  readonly gpu_name?: string;
  readonly min_vram?: number | string;
  readonly num_gpus?: number | string;
  readonly max_price?: bigint | string;
  readonly region?: string;
  readonly min_reliability?: number | string;
  readonly available?: boolean | string;
  readonly include_unverified?: boolean | string;
  readonly sort?: GpuSort | (string & {});
  readonly page?: number | string;
  readonly limit?: number | string;
}

export const gpuSchema = z.object({
  id: z.uuid(),
  providerId: z.uuid(),
  model: z.string(),
  vramGb: z.number().int(),
  count: z.number().int(),
  cudaVersion: z.string(),
  cpuCores: z.number().int(),
  ramGb: z.number().int(),
  diskGb: z.number().int(),
  region: z.string(),
  pricePerHour: z.string().describe("GPUC units per hour"),
  minHours: z.number().int(),
  maxHours: z.number().int(),
  tflops: z.number().describe("FP32 TFLOPS of the whole offer"),
  pricePerTflops: z.number(),
  verification: z
    .enum(VERIFICATION_STATES)
    .describe("The latest benchmark challenge's verdict on this offer (pending until one is answered)"),
  measuredTflops: z.number().nullable().describe("FP32 TFLOPS the benchmark measured on the whole offer"),
  measuredBandwidthGbs: z.number().nullable().describe("Memory bandwidth the benchmark measured, GB/s"),
  pricePerMeasuredTflops: z.number().nullable().describe("GPUC units per hour per measured TFLOPS"),
  reliability: z.number(),
  online: z.boolean(),
  available: z.boolean(),
});

export const gpuPage = pageOf(gpuSchema);

export type Gpu = z.output<typeof gpuSchema>;
