import * as z from "zod";
import { canonicalJsonBytes, type Json } from "../canonical-json.ts";
import type { InstanceState } from "./states.ts";

/** A GPU as the executor's probe reports it; extra fields are kept (they are part of the signed bytes). */
export const gpuStatusSchema = z.looseObject({
  index: z.number().int().min(0).max(1024).optional(),
  uuid: z.string().max(128).optional(),
  name: z.string().max(128).optional(),
});

export const heartbeatRequest = z.object({
  providerId: z
    .uuid()
    .optional()
    .describe(
      "The provider this heartbeat is for (must equal the path's); signed with the rest so a heartbeat cannot be replayed to another provider of the same owner. Required when HEARTBEAT_REQUIRE_PROVIDER_ID is set",
    ),
  timestamp: z.iso
    .datetime({ offset: true })
    .describe(
      "When the executor sent it (ISO 8601): at most 60 s ahead of, and 5 minutes behind, the marketplace's clock",
    ),
  gpus: z.array(gpuStatusSchema).max(64),
  instances: z
    .array(z.object({ id: z.uuid(), state: z.string().max(32), runningSeconds: z.number().min(0).max(1e10) }))
    .max(1024),
  endpoint: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .optional()
    .describe("Base URL where this executor serves consumers (logs, exec, stop); part of the signed body"),
  signature: z
    .string()
    .regex(/^([0-9a-fA-F]{2}){1,256}$/, "must be hex")
    .describe(
      "Provider wallet signature (sign_message_using_p2pk) over the canonical JSON of the body without signature",
    ),
});

export const heartbeatResponse = z.object({
  providerId: z.uuid(),
  online: z.boolean(),
  reliability: z.number(),
  receivedAt: z.iso.datetime(),
  nextDueBy: z.iso.datetime().describe("Send the next heartbeat before this time"),
});

/** One GPU in a heartbeat: the probe's fields, each part of the signed bytes. */
export type HeartbeatGpu = { readonly [field: string]: Json | undefined };

/** One running rental as a heartbeat reports it. */
export type HeartbeatInstance = {
  readonly id: string;
  readonly state: InstanceState;
  readonly runningSeconds: number;
};

/** A heartbeat body before it is signed. */
export type Heartbeat = {
  /** The provider this heartbeat is for; signed, so it cannot be replayed to another provider of the same owner. */
  readonly providerId?: string;
  /** ISO 8601. */
  readonly timestamp: string;
  readonly gpus: readonly HeartbeatGpu[];
  readonly instances: readonly HeartbeatInstance[];
  /** The executor's public HTTP URL (consumers' logs, exec, ports, stop); signed with the rest. */
  readonly endpoint?: string;
};

/** A heartbeat with the provider wallet's signature (hex) over `heartbeatMessage(heartbeat)`. */
export type SignedHeartbeat = Heartbeat & { readonly signature: string };

export type HeartbeatReceipt = z.output<typeof heartbeatResponse>;

/**
 * The bytes a heartbeat's signature covers: UTF-8 of the canonical JSON of the body without `signature`, every
 * other member included as sent. The executor signs them; the marketplace derives them again from the JSON body
 * it received to verify, so both sides call this one function.
 *
 * @example
 * const signature = wallet.signMessage(heartbeatMessage(heartbeat));
 */
export function heartbeatMessage(
  body: Heartbeat | { readonly [member: string]: Json | undefined },
): Uint8Array {
  const { signature: _signature, ...signed } = body as { readonly [member: string]: Json | undefined };
  return canonicalJsonBytes(signed);
}
