import { type Heartbeat, heartbeatMessage, type SignedHeartbeat } from "@gpuc/sdk";
import type { GpuStatus } from "../gpu/gpu-probe.ts";
import type { ProviderSigner } from "../keys/provider-signer.ts";

/** A heartbeat as the agent assembles it: the probe's GPUs as they are. */
export type AgentHeartbeat = Omit<Heartbeat, "gpus"> & { readonly gpus: readonly GpuStatus[] };

/** Signs `heartbeatMessage` (@gpuc/sdk: the bytes the marketplace verifies) with the provider wallet. */
export function signHeartbeat(signer: ProviderSigner, heartbeat: AgentHeartbeat): SignedHeartbeat {
  const body: Heartbeat = { ...heartbeat, gpus: heartbeat.gpus.map((gpu) => ({ ...gpu })) };
  return { ...body, signature: signer.sign(heartbeatMessage(body)) };
}
