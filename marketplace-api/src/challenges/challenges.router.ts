import { gpuChallengeAnswerRequest, gpuChallengeList, gpuChallengeSchema, providerIdParams } from "@gpuc/sdk";
import { z } from "zod";
import { defineRoute, type Route } from "../core/route.ts";
import type { ChallengesService } from "./challenges.service.ts";

export function challengesRoutes(challenges: ChallengesService): Route[] {
  return [
    defineRoute({
      method: "get",
      path: "/api/v1/providers/{providerId}/challenges",
      tag: "executor",
      summary: "Executor: GPU verification challenges waiting for an answer (poll every heartbeat)",
      auth: "provider",
      params: providerIdParams,
      response: gpuChallengeList,
      errors: [404],
      handle: async ({ principal, params }) => ({
        items: await challenges.open(principal!, params.providerId),
      }),
    }),
    defineRoute({
      method: "post",
      path: "/api/v1/providers/{providerId}/challenges/{challengeId}/answer",
      tag: "executor",
      summary: "Executor: the signed benchmark result (or busy) for a challenge; answers the verdict",
      auth: "provider",
      params: providerIdParams.extend({ challengeId: z.uuid() }),
      body: gpuChallengeAnswerRequest,
      response: gpuChallengeSchema,
      errors: [404, 409],
      // The signature covers the body exactly as sent, so the raw parsed JSON is verified, not the zod output.
      handle: ({ principal, params, req }) =>
        challenges.answer(principal!, params.providerId, params.challengeId, req.body),
    }),
    defineRoute({
      method: "get",
      path: "/api/v1/providers/{providerId}/challenges/recent",
      tag: "providers",
      summary: "A provider's latest GPU verification challenges and their verdicts, newest first",
      params: providerIdParams,
      response: gpuChallengeList,
      handle: async ({ params }) => ({ items: await challenges.recent(params.providerId) }),
    }),
  ];
}
