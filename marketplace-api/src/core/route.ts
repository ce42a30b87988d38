import { createRouteKit, type Route as KitRoute } from "@gpuc/platform/http";
import type { Scope } from "@gpuc/sdk";

// What an API key may do is wire contract (@gpuc/sdk's SCOPES); `arbiter` belongs only to the key of ARBITER_SECRET_HEX.
export type { Scope };
/** The scopes any signed-in wallet holds. */
export const WALLET_SCOPES = ["consumer", "provider", "read"] as const satisfies readonly Scope[];

/** Who is calling: a wallet address, proven by a session or an API key. */
export interface Principal {
  readonly address: string;
  readonly scopes: readonly Scope[];
  readonly via: "session" | "api_key";
  readonly apiKeyId?: string;
}

/** What a marketplace route may require of its caller: a scope, or `"any"` signed-in caller. */
export type Requirement = Scope | "any";

/** A marketplace route: the single source of its Express handler and its OpenAPI operation. */
export type Route = KitRoute<Requirement, Principal>;

/**
 * Declares a route with typed handler context (params, query and body are already validated; `principal` is
 * set on routes with `auth`).
 *
 * @example
 * defineRoute({
 *   method: "get", path: "/api/v1/instances/{id}", tag: "instances", summary: "Get an instance",
 *   auth: "consumer", params: z.object({ id: z.uuid() }), response: instanceSchema,
 *   handle: ({ params, principal }) => service.get(params.id, principal),
 * });
 */
export const { defineRoute } = createRouteKit<Principal, Requirement>();
