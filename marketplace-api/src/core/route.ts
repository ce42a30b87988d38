import type { Scope } from "@gpuc/sdk";
import type { Request, Response } from "express";
import type { z } from "zod";

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

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";
type AnyObject = z.ZodObject;

export interface RouteContext<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  /** Set when the route has `auth`; undefined on public routes. */
  readonly principal: Principal | undefined;
  readonly req: Request;
  readonly res: Response;
}

/**
 * One HTTP operation: the single source of both the Express handler and its OpenAPI operation, so the two
 * cannot drift apart.
 */
export interface Route {
  readonly method: HttpMethod;
  /** OpenAPI-style path, e.g. `/api/v1/instances/{id}`. */
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  /** The scope the caller must hold; `"any"` for any signed-in caller; absent for a public route. */
  readonly auth?: Scope | "any";
  readonly params?: AnyObject;
  readonly query?: AnyObject;
  readonly body?: z.ZodType;
  readonly response: z.ZodType;
  /** Success status, 200 unless set. */
  readonly status?: number;
  /** Error statuses worth documenting beside 400/401/403/500. */
  readonly errors?: readonly number[];
  /** Content type of the success response when it is not JSON (the handler then writes the response itself). */
  readonly contentType?: string;
  handle(ctx: RouteContext<unknown, unknown, unknown>): Promise<unknown>;
}

interface TypedRoute<P extends AnyObject, Q extends AnyObject, B extends z.ZodType, R extends z.ZodType>
  extends Omit<Route, "handle" | "params" | "query" | "body" | "response"> {
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  readonly response: R;
  handle(ctx: RouteContext<z.output<P>, z.output<Q>, z.output<B>>): Promise<z.input<R>>;
}

/**
 * Declares a route with typed handler context (params, query and body are already validated).
 *
 * @example
 * defineRoute({
 *   method: "get", path: "/api/v1/instances/{id}", tag: "instances", summary: "Get an instance",
 *   auth: "consumer", params: z.object({ id: z.uuid() }), response: instanceSchema,
 *   handle: ({ params, principal }) => service.get(params.id, principal),
 * });
 */
export function defineRoute<
  P extends AnyObject = AnyObject,
  Q extends AnyObject = AnyObject,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
>(route: TypedRoute<P, Q, B, R>): Route {
  return route as Route;
}

/** `/api/v1/instances/{id}` → `/api/v1/instances/:id`. */
export function toExpressPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ":$1");
}
