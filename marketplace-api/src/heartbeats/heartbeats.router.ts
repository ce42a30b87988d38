import { heartbeatRequest, heartbeatResponse, providerIdParams } from "@gpuc/sdk";
import { defineRoute, type Route } from "../core/route.ts";
import type { HeartbeatsService } from "./heartbeats.service.ts";

export function heartbeatsRoutes(heartbeats: HeartbeatsService): Route[] {
  return [
    defineRoute({
      method: "post",
      path: "/api/v1/providers/{providerId}/heartbeats",
      tag: "executor",
      summary: "Executor: signed heartbeat (every interval) with GPU and instance status",
      auth: "provider",
      params: providerIdParams,
      body: heartbeatRequest,
      response: heartbeatResponse,
      errors: [404, 409],
      // The signature covers the body exactly as sent, so the raw parsed JSON is verified, not the zod output.
      handle: ({ principal, params, req }) => heartbeats.record(principal!, params.providerId, req.body),
    }),
  ];
}
