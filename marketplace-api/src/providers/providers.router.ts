import {
  listingHash,
  listingHashResponse,
  listingSchema,
  providerIdParams,
  providerListSchema,
  providerSchema,
  registerProviderRequest,
  totalGpus,
  updateListingRequest,
} from "@gpuc/sdk";
import { defineRoute, type Route } from "../core/route.ts";
import type { ProvidersService } from "./providers.service.ts";

export function providersRoutes(providers: ProvidersService): Route[] {
  return [
    defineRoute({
      method: "post",
      path: "/api/v1/listings/hash",
      tag: "providers",
      summary: "Compute the listing hash to write into the Provider Stake box's R5",
      body: listingSchema,
      response: listingHashResponse,
      handle: async ({ body }) => ({ listingHash: listingHash(body), gpus: totalGpus(body) }),
    }),
    defineRoute({
      method: "post",
      path: "/api/v1/providers",
      tag: "providers",
      summary: "Register as a provider with your Provider Stake box and GPU listing",
      auth: "provider",
      body: registerProviderRequest,
      response: providerSchema,
      status: 201,
      errors: [404, 409],
      handle: ({ principal, body }) => providers.register(principal!, body),
    }),
    defineRoute({
      method: "get",
      path: "/api/v1/providers",
      tag: "providers",
      summary: "List the providers you own",
      auth: "read",
      response: providerListSchema,
      handle: async ({ principal }) => ({ items: await providers.listOwn(principal!) }),
    }),
    defineRoute({
      method: "get",
      path: "/api/v1/providers/{providerId}",
      tag: "providers",
      summary: "Get a provider",
      params: providerIdParams,
      response: providerSchema,
      errors: [404],
      handle: ({ params }) => providers.get(params.providerId),
    }),
    defineRoute({
      method: "put",
      path: "/api/v1/providers/{providerId}/listing",
      tag: "providers",
      summary: "Replace the provider's GPU listing (its hash must be in the stake box's R5)",
      auth: "provider",
      params: providerIdParams,
      body: updateListingRequest,
      response: providerSchema,
      errors: [404, 409],
      handle: ({ principal, params, body }) => providers.updateListing(principal!, params.providerId, body),
    }),
  ];
}
