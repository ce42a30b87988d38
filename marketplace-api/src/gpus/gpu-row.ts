import type { VerificationState } from "@gpuc/sdk";

/** A row of `gpus`: one offer, with its provider's state denormalised into it. */
export interface GpuRow {
  id: string;
  provider_id: string;
  position: number;
  model: string;
  /** The model name normalised for matching (`modelKey`). */
  model_key: string;
  vram_gb: number;
  count: number;
  device_ids: string[];
  cuda_version: string;
  cpu_cores: number;
  ram_gb: number;
  disk_gb: number;
  region: string;
  price_per_hour: bigint;
  min_hours: number;
  max_hours: number;
  tflops: number;
  price_per_tflops: number;
  verification: VerificationState;
  measured_tflops: number | null;
  measured_bandwidth_gbs: number | null;
  price_per_measured_tflops: number | null;
  reliability: number;
  online: boolean;
  listed: boolean;
  rented_by: string | null;
}
