import { z } from "zod";
import { modelKey } from "./performance.ts";

const flag = z.enum(["true", "false", "1", "0"]).transform((value) => value === "true" || value === "1");

export const GPU_SORTS = ["price", "-price", "reliability", "price_per_performance"] as const;

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
  sort: z.enum(GPU_SORTS).default("price"),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export type SearchQuery = z.output<typeof searchQuery>;

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
  reliability: z.number(),
  online: z.boolean(),
  available: z.boolean(),
});

export const gpuPage = z.object({
  items: z.array(gpuSchema),
  page: z.number().int(),
  limit: z.number().int(),
  total: z.number().int(),
});

export type Gpu = z.output<typeof gpuSchema>;
