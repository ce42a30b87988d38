import type { NextFunction, Request, Response, Router } from "express";
import { type Authorize, type Route, toExpressPath } from "./route.ts";

export interface MountOptions<Requirement, Principal> {
  /** Admits the caller of each route with `auth`, or throws a 401/403 `HttpError`. */
  readonly authorize: Authorize<Requirement, Principal>;
}

/**
 * Registers each route on the app: admit the caller, validate params/query/body with the route's zod schemas
 * (a `ValidationError` 400 listing every issue), run the handler, write its result as JSON (204 when it
 * returns nothing), unless the handler wrote the response itself. Failures go to the error handler.
 *
 * @example
 * mountRoutes(app, routes, { authorize: (req, scope) => auth.admit(req.headers.authorization, scope) });
 */
export function mountRoutes<Requirement extends string, Principal>(
  app: Router,
  routes: readonly Route<Requirement, Principal>[],
  { authorize }: MountOptions<Requirement, Principal>,
): void {
  for (const route of routes) {
    app[route.method](toExpressPath(route.path), async (req: Request, res: Response, next: NextFunction) => {
      try {
        const result = await route.serve(req, res, authorize);
        if (res.headersSent) return;
        if (result === undefined) res.status(route.status ?? 204).end();
        else res.status(route.status ?? 200).json(result);
      } catch (error) {
        next(error);
      }
    });
  }
}
