import type { Request, Response } from "express";
import type { z } from "zod";
import { ValidationError } from "./errors.ts";

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";
type AnyObject = z.ZodObject;

/** What a handler receives: the validated request parts, the admitted caller, and Express's req/res. */
export interface RouteContext<P, Q, B, Principal> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  /** The caller `authorize` admitted on a route with `auth`; undefined on a public route. */
  readonly principal: Principal;
  readonly req: Request;
  readonly res: Response;
}

/** What Express and the OpenAPI document need to know of a route, whatever its handler's types. */
export interface RouteInfo {
  readonly method: HttpMethod;
  /** OpenAPI-style path, e.g. `/api/v1/instances/{id}`. */
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  /** What the caller must hold (a scope, a credential action); absent for a public route. */
  readonly auth?: string;
  readonly params?: AnyObject;
  readonly query?: AnyObject;
  readonly body?: z.ZodType;
  readonly response: z.ZodType;
  /** Success status, 200 unless set. */
  readonly status?: number;
  /** Error statuses worth documenting beside 400 and 500 (and 401/403 on routes with `auth`). */
  readonly errors?: readonly number[];
  /** Content type of the success response when it is not JSON: the handler then writes the response itself. */
  readonly contentType?: string;
}

/**
 * Admits the caller of a route that declares `auth`: resolves to who is calling, or throws an `HttpError`
 * (401 without credentials, 403 without the requirement).
 */
export type Authorize<Requirement, Principal> = (
  req: Request,
  requirement: Requirement,
) => Promise<Principal>;

/** A declared route: its description, and `serve`, which admits the caller, validates the request and runs it. */
export interface Route<Requirement extends string, Principal> extends RouteInfo {
  readonly auth?: Requirement;
  /** Resolves to the JSON result; undefined for 204 or when the handler wrote the response itself. */
  serve(req: Request, res: Response, authorize: Authorize<Requirement, Principal>): Promise<unknown>;
}

interface RouteFields<P extends AnyObject, Q extends AnyObject, B extends z.ZodType, R extends z.ZodType, C>
  extends Omit<RouteInfo, "auth" | "params" | "query" | "body" | "response" | "contentType"> {
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  readonly response: R;
  readonly contentType?: C;
}

type Context<P extends AnyObject, Q extends AnyObject, B extends z.ZodType, Principal> = RouteContext<
  z.output<P>,
  z.output<Q>,
  z.output<B>,
  Principal
>;
/** A JSON route returns its response; a route with `contentType` writes it and returns nothing. */
type Output<R extends z.ZodType, C> = C extends string ? void : z.input<R>;

/** A route anyone may call. */
export interface PublicRouteSpec<
  P extends AnyObject,
  Q extends AnyObject,
  B extends z.ZodType,
  R extends z.ZodType,
  C extends string | undefined,
> extends RouteFields<P, Q, B, R, C> {
  readonly auth?: undefined;
  handle(ctx: Context<P, Q, B, undefined>): Promise<Output<R, C>>;
}

/** A route only an admitted caller may call; its handler gets the principal. */
export interface AuthRouteSpec<
  P extends AnyObject,
  Q extends AnyObject,
  B extends z.ZodType,
  R extends z.ZodType,
  C extends string | undefined,
  Requirement,
  Principal,
> extends RouteFields<P, Q, B, R, C> {
  readonly auth: Requirement;
  handle(ctx: Context<P, Q, B, Principal>): Promise<Output<R, C>>;
}

type Loose = Record<string, unknown>;
type WideFields = RouteFields<AnyObject, AnyObject, z.ZodType, z.ZodType, string>;
interface WidePublicSpec extends WideFields {
  readonly auth?: undefined;
  handle(ctx: RouteContext<Loose, Loose, unknown, undefined>): Promise<unknown>;
}
interface WideAuthSpec<Requirement, Principal> extends WideFields {
  readonly auth: Requirement;
  handle(ctx: RouteContext<Loose, Loose, unknown, Principal>): Promise<unknown>;
}
type WideSpec<Requirement, Principal> = WidePublicSpec | WideAuthSpec<Requirement, Principal>;

function isPublic<Requirement, Principal>(spec: WideSpec<Requirement, Principal>): spec is WidePublicSpec {
  return spec.auth === undefined;
}

/**
 * The route declaration of a service, bound to its caller type (`Principal`) and what a route may require of
 * one (`Requirement`: the marketplace's API key scopes, the executor's credential actions). Each route is the
 * single source of both the Express handler and its OpenAPI operation, so the two cannot drift apart.
 *
 * @example
 * const { defineRoute } = createRouteKit<Principal, Scope>();
 * defineRoute({
 *   method: "get", path: "/api/v1/instances/{id}", tag: "instances", summary: "Get an instance",
 *   auth: "read", params: z.object({ id: z.uuid() }), response: instanceSchema,
 *   handle: ({ params, principal }) => service.get(principal, params.id), // principal: Principal
 * });
 */
export function createRouteKit<Principal, Requirement extends string>() {
  /** Declares a route whose handler gets the validated params, query and body, typed by their schemas. */
  function defineRoute<
    P extends AnyObject = AnyObject,
    Q extends AnyObject = AnyObject,
    B extends z.ZodType = z.ZodType,
    R extends z.ZodType = z.ZodType,
    C extends string | undefined = undefined,
  >(spec: PublicRouteSpec<P, Q, B, R, C>): Route<Requirement, Principal>;
  function defineRoute<
    P extends AnyObject = AnyObject,
    Q extends AnyObject = AnyObject,
    B extends z.ZodType = z.ZodType,
    R extends z.ZodType = z.ZodType,
    C extends string | undefined = undefined,
  >(spec: AuthRouteSpec<P, Q, B, R, C, Requirement, Principal>): Route<Requirement, Principal>;
  function defineRoute(spec: WideSpec<Requirement, Principal>): Route<Requirement, Principal> {
    const { handle: _handle, ...info } = spec;
    return {
      ...info,
      async serve(req, res, authorize) {
        if (isPublic(spec)) return spec.handle({ ...parts(spec, req, res), principal: undefined });
        // The caller is admitted before the request is looked at: a stranger learns nothing from a 400.
        return authorize(req, spec.auth).then((principal) =>
          spec.handle({ ...parts(spec, req, res), principal }),
        );
      },
    };
  }
  return { defineRoute };
}

/** `/api/v1/instances/{id}` → `/api/v1/instances/:id`. */
export function toExpressPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ":$1");
}

/** The request's params, query and body, each checked against the route's schema for it when it has one. */
function parts(spec: WideFields, req: Request, res: Response) {
  return {
    params: parseObject(spec.params, req.params, "params"),
    query: parseObject(spec.query, req.query, "query"),
    body: parseBody(spec.body, req.body),
    req,
    res,
  };
}

function parseObject(
  schema: AnyObject | undefined,
  input: Loose | undefined,
  location: "params" | "query",
): Loose {
  rejectNul(input, location);
  if (!schema) return input ?? {};
  return check(schema.safeParse(input ?? {}), location);
}

function parseBody(schema: z.ZodType | undefined, input: unknown): unknown {
  rejectNul(input, "body");
  if (!schema) return input;
  return check(schema.safeParse(input), "body");
}

/**
 * PostgreSQL text cannot hold U+0000: a string with one reached the database and failed there as a 500 (found by
 * the API fuzz, in sign-in nonces and key names). No field of any GPUC route has a use for it, so it is refused
 * here, for every route at once, with the field that holds it.
 */
function rejectNul(input: unknown, location: "body" | "params" | "query"): void {
  const path = nulPath(input, []);
  if (path === undefined) return;
  throw new ValidationError(location, [
    { path: path.join("."), message: "must not contain the NUL character (U+0000)" },
  ]);
}

// Iterative, not recursive: a body may nest 100,000 arrays deep, and a recursion overflowed the stack (a 500).
// Each entry links to its parent instead of copying its path, which made that body take O(depth²) (90 s).
interface Step {
  readonly key: string;
  readonly parent: Step | undefined;
}

function nulPath(input: unknown, root: readonly string[]): readonly string[] | undefined {
  const stack: [unknown, Step | undefined][] = [[input, undefined]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [value, step] = next;
    if (typeof value === "string") {
      if (value.includes("\u0000")) return [...root, ...keysOf(step)];
      continue;
    }
    // A raw body (a webhook's Buffer) is bytes, not fields: its handler reads it as a whole.
    if (!value || typeof value !== "object" || ArrayBuffer.isView(value)) continue;
    for (const [key, member] of Object.entries(value)) {
      const child = { key, parent: step };
      if (key.includes("\u0000")) return [...root, ...keysOf(child)];
      stack.push([member, child]);
    }
  }
  return undefined;
}

function keysOf(step: Step | undefined): string[] {
  const keys: string[] = [];
  for (let at = step; at; at = at.parent) keys.push(at.key);
  return keys.reverse();
}

function check<T>(result: z.ZodSafeParseResult<T>, location: "body" | "params" | "query"): T {
  if (result.success) return result.data;
  throw new ValidationError(
    location,
    // At most 20 issues, each cut to 200 characters: an unknown key of 300 KB came back twice in a 600 KB
    // problem (found by the fuzz), an answer far larger than the mistake it reports.
    result.error.issues
      .slice(0, MAX_ISSUES)
      .map((issue) => ({ path: cut(issue.path.join(".")), message: cut(issue.message) })),
  );
}

const MAX_ISSUES = 20;
const MAX_ISSUE_TEXT = 200;
const cut = (text: string) =>
  text.length > MAX_ISSUE_TEXT ? `${text.slice(0, MAX_ISSUE_TEXT)}… (${text.length} characters)` : text;
