import type { Express, NextFunction, Request, Response } from "express";
import type { z } from "zod";
import { HttpError, ValidationError } from "./errors.ts";
import { type Principal, type Route, toExpressPath } from "./route.ts";

/** Resolves the caller from the request's credentials; undefined when none were presented. */
export type Authenticate = (req: Request) => Promise<Principal | undefined>;

/**
 * Registers each route on the app: authenticate, validate params/query/body with the route's zod schemas,
 * call the handler, write JSON. Failures go to the error handler.
 */
export function mountRoutes(app: Express, routes: readonly Route[], authenticate: Authenticate): void {
  for (const route of routes) {
    app[route.method](toExpressPath(route.path), async (req: Request, res: Response, next: NextFunction) => {
      try {
        const principal = route.auth ? await authorize(route, await authenticate(req)) : undefined;
        const params = parse(route.params, req.params, "params");
        const query = parse(route.query, req.query, "query");
        const body = parse(route.body, req.body, "body");
        const result = await route.handle({ params, query, body, principal, req, res });
        if (res.headersSent) return;
        if (result === undefined) res.status(route.status ?? 204).end();
        else res.status(route.status ?? 200).json(result);
      } catch (error) {
        next(error);
      }
    });
  }
}

async function authorize(route: Route, principal: Principal | undefined): Promise<Principal> {
  if (!principal) {
    throw new HttpError(
      401,
      "Sign in with your wallet or pass an API key as 'Authorization: Bearer <token>'",
    );
  }
  if (route.auth !== "any" && route.auth && !principal.scopes.includes(route.auth)) {
    throw new HttpError(403, `This API key lacks the '${route.auth}' scope; create a key with that scope`);
  }
  return principal;
}

function parse(
  schema: z.ZodType | undefined,
  input: unknown,
  location: "body" | "params" | "query",
): unknown {
  if (!schema) return input;
  const result = schema.safeParse(input ?? (location === "body" ? undefined : {}));
  if (result.success) return result.data;
  throw new ValidationError(
    location,
    result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
  );
}
