import { z } from "zod";

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
