import { randomBytes, randomUUID } from "node:crypto";
import { BENCH_IMAGE, type GpuChallenge } from "@gpuc/sdk";

/** An open challenge as the marketplace hands it out, on these device ids, due in two minutes; override any field. */
export function challengeFor(deviceIds: string[], overrides: Partial<GpuChallenge> = {}): GpuChallenge {
  return {
    id: randomUUID(),
    providerId: overrides.providerId ?? randomUUID(),
    gpuId: randomUUID(),
    nonce: randomBytes(16).toString("hex"),
    model: "RTX 4090",
    deviceIds,
    reason: "listing",
    image: BENCH_IMAGE,
    issuedAt: new Date().toISOString(),
    deadline: new Date(Date.now() + 120_000).toISOString(),
    maxSeconds: 4,
    state: "pending",
    answeredAt: null,
    result: null,
    detail: null,
    ...overrides,
  };
}
