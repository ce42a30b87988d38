import { jwksSchema } from "@gpuc/sdk";
import { defineRoute, type Route } from "../core/route.ts";
import type { CredentialsService } from "./credentials.service.ts";

export function jwksRoutes(credentials: CredentialsService): Route[] {
  return [
    defineRoute({
      method: "get",
      path: "/.well-known/jwks.json",
      tag: "credentials",
      summary: "The public keys executors verify instance credentials with",
      response: jwksSchema,
      handle: async ({ res }) => {
        res.setHeader("Cache-Control", "public, max-age=300");
        return credentials.jwks();
      },
    }),
  ];
}
