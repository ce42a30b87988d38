import * as z from "zod";
import { canonicalJsonBytes, type Json } from "../canonical-json.ts";
import { VERIFICATION_STATES } from "./gpus.ts";

/**
 * The published benchmark image GPU verification challenges run (executor/bench-image): its tag, and the digest of
 * its one layer (the reproducible rootfs tar of the static CPU binary). The image id itself is not fixed —
 * `docker import` stamps the time — so the layer digest is what identifies the content.
 */
export const BENCH_IMAGE = "gpuc/bench:cpu-1";
export const BENCH_IMAGE_LAYER_DIGEST =
  "sha256:266b65a430e61fa83b90701ee2fd2a8b0aba47b503ee2175f0ad6e313c35a58e";

/** Why a challenge was issued: a new or changed listing, or a random check while the offer was idle. */
export const CHALLENGE_REASONS = ["listing", "random"] as const;

/** A challenge's state: the offer's verdict once judged, `busy` when the executor declined (a rental held the devices). */
export const CHALLENGE_STATES = [...VERIFICATION_STATES, "busy"] as const;
export type ChallengeState = (typeof CHALLENGE_STATES)[number];

const hex = (max: number) =>
  z
    .string()
    .regex(/^[0-9a-f]+$/, "must be lowercase hex")
    .max(max);

/** One line the benchmark prints (bench.c or bench.cu): what it measured and on which devices. */
export const benchResultSchema = z.object({
  nonce: hex(64).describe("The challenge's nonce, echoed"),
  kind: z.enum(["cpu", "cuda"]),
  tflops: z.number().min(0).max(1e6).describe("FP32 TFLOPS of the matrix multiply, summed over the devices"),
  memoryBandwidthGBs: z.number().min(0).max(1e7).describe("Memory bandwidth, GB/s, summed over the devices"),
  devices: z
    .array(z.object({ uuid: z.string().min(1).max(96), model: z.string().max(128) }))
    .max(64)
    .describe(
      "On CUDA: each visible device's UUID and name from NVML; on CPU: the listed ids, the CPU model",
    ),
  elapsedMs: z.number().min(0).max(1e8),
});
export type BenchResult = z.output<typeof benchResultSchema>;

/** A challenge as the executor receives it (`GET /api/v1/providers/{id}/challenges`). */
export const gpuChallengeSchema = z.object({
  id: z.uuid(),
  providerId: z.uuid(),
  gpuId: z.uuid().describe("The offer challenged"),
  nonce: hex(64),
  model: z.string().describe("The listed model the result is compared with"),
  deviceIds: z.array(z.string()).describe("Run on exactly these devices; the result must name the same ids"),
  reason: z.enum(CHALLENGE_REASONS),
  image: z.string().describe("The benchmark image to run"),
  issuedAt: z.iso.datetime(),
  deadline: z.iso.datetime().describe("The signed answer must arrive before this"),
  maxSeconds: z.number().int().positive().describe("Duration cap to pass to the benchmark"),
  state: z.enum(CHALLENGE_STATES),
  answeredAt: z.iso.datetime().nullable(),
  result: benchResultSchema.nullable(),
  detail: z.string().nullable().describe("Why the state is what it is, in words"),
});
export type GpuChallenge = z.output<typeof gpuChallengeSchema>;

export const gpuChallengeList = z.object({ items: z.array(gpuChallengeSchema) });

/** The signed answer (`POST /api/v1/providers/{id}/challenges/{challengeId}/answer`): a result, or busy. */
export const gpuChallengeAnswerRequest = z.object({
  challengeId: z.uuid(),
  providerId: z.uuid(),
  nonce: hex(64),
  result: benchResultSchema.optional().describe("Absent when busy"),
  busy: z.boolean().optional().describe("True: a rental holds the devices; the marketplace asks again later"),
  imageDigest: z.string().max(100).optional().describe("Layer digest of the benchmark image that ran"),
  signature: z
    .string()
    .regex(/^([0-9a-fA-F]{2}){1,256}$/, "must be hex")
    .describe(
      "Provider wallet signature (sign_message_using_p2pk) over the canonical JSON of the body without signature",
    ),
});

/** An answer before it is signed. */
export type GpuChallengeAnswer = Omit<z.output<typeof gpuChallengeAnswerRequest>, "signature">;
export type SignedGpuChallengeAnswer = GpuChallengeAnswer & { readonly signature: string };

/**
 * The bytes an answer's signature covers: canonical JSON of the body without `signature`, as heartbeats are signed.
 * The executor signs them; the marketplace derives them again from the body it received.
 */
export function gpuChallengeAnswerMessage(
  body: GpuChallengeAnswer | { readonly [member: string]: Json | undefined },
): Uint8Array {
  const { signature: _signature, ...signed } = body as { readonly [member: string]: Json | undefined };
  return canonicalJsonBytes(signed);
}
