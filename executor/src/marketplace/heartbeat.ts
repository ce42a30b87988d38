import type { ProviderSigner } from "../keys/provider-signer.ts";
import { canonicalJson } from "./canonical-json.ts";
import type { Heartbeat, SignedHeartbeat } from "./marketplace-client.ts";

/** The bytes a heartbeat's signature covers: UTF-8 of the canonical JSON of the body without `signature`. */
export function heartbeatMessage(heartbeat: Heartbeat): Uint8Array {
  const { providerId, timestamp, gpus, instances, endpoint } = heartbeat;
  return new TextEncoder().encode(
    canonicalJson({
      ...(providerId === undefined ? {} : { providerId }),
      timestamp,
      gpus: gpus.map((gpu) => ({ ...gpu })),
      instances: instances.map((instance) => ({ ...instance })),
      ...(endpoint === undefined ? {} : { endpoint }),
    }),
  );
}

export function signHeartbeat(signer: ProviderSigner, heartbeat: Heartbeat): SignedHeartbeat {
  return { ...heartbeat, signature: signer.sign(heartbeatMessage(heartbeat)) };
}
