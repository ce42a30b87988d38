import { providerIdParams, reputationSchema } from "@gpuc/sdk";
import { defineRoute, type Route } from "../core/route.ts";
import type { ReputationService } from "./reputation.service.ts";

export function reputationRoutes(reputation: ReputationService): Route[] {
  return [
    defineRoute({
      method: "get",
      path: "/api/v1/providers/{providerId}/reputation",
      tag: "providers",
      summary:
        "A provider's reputation: the score and its parts per day (heartbeats, rentals, challenges, disputes)",
      params: providerIdParams,
      response: reputationSchema,
      errors: [404],
      handle: ({ params }) => reputation.get(params.providerId),
    }),
  ];
}
