import {
  apiKeyListSchema,
  apiKeySchema,
  challengeRequest,
  challengeResponse,
  createApiKeyRequest,
  createdApiKeySchema,
  idParams,
  sessionResponse,
  verifyRequest,
} from "@gpuc/sdk";
import { z } from "zod";
import { defineRoute, type Route } from "../core/route.ts";
import type { ApiKeysService } from "./api-keys.service.ts";
import type { AuthService } from "./auth.service.ts";

export function authRoutes(auth: AuthService, apiKeys: ApiKeysService): Route[] {
  return [
    defineRoute({
      method: "post",
      path: "/api/v1/auth/challenge",
      tag: "auth",
      summary: "Get a single-use nonce and the message to sign with the wallet",
      body: challengeRequest,
      response: challengeResponse,
      status: 201,
      errors: [429],
      handle: ({ body }) => auth.challenge(body.address),
    }),
    defineRoute({
      method: "post",
      path: "/api/v1/auth/verify",
      tag: "auth",
      summary: "Exchange the wallet's signature of the challenge for a session token",
      body: verifyRequest,
      response: sessionResponse,
      errors: [401, 429],
      handle: ({ body }) => auth.verify(body),
    }),
    defineRoute({
      method: "post",
      path: "/api/v1/auth/logout",
      tag: "auth",
      summary: "End the current session",
      auth: "any",
      response: z.void(),
      status: 204,
      handle: ({ req }) => auth.signOut(req.headers.authorization),
    }),
    defineRoute({
      method: "post",
      path: "/api/v1/api-keys",
      tag: "auth",
      summary: "Create a scoped API key (the secret is shown once)",
      auth: "any",
      body: createApiKeyRequest,
      response: createdApiKeySchema,
      status: 201,
      handle: ({ principal, body }) => apiKeys.create(principal!, body.name, body.scopes),
    }),
    defineRoute({
      method: "get",
      path: "/api/v1/api-keys",
      tag: "auth",
      summary: "List your API keys (without secrets)",
      auth: "any",
      response: apiKeyListSchema,
      handle: async ({ principal }) => ({ items: await apiKeys.list(principal!) }),
    }),
    defineRoute({
      method: "delete",
      path: "/api/v1/api-keys/{id}",
      tag: "auth",
      summary: "Revoke an API key (from a wallet session: any of yours; with an API key: that key only)",
      auth: "any",
      params: idParams,
      response: apiKeySchema,
      errors: [403, 404],
      handle: ({ principal, params }) => apiKeys.revoke(principal!, params.id),
    }),
  ];
}
