import type { NextFunction, Request, RequestHandler, Response } from "express";

export interface CorsOptions {
  /** The one origin (scheme://host[:port]) whose pages may call the consumer routes; undefined: none. */
  readonly origin: string | undefined;
  /** Paths that answer CORS: a rental's logs, stats, ports and stop (what the web app calls with the credential). */
  readonly paths?: RegExp;
  /** How long a browser may cache a preflight, seconds. */
  readonly maxAgeS?: number;
}

const CONSUMER_PATHS = /^\/instances\/[^/]+\/(logs|stats|ports|stop)$/;

/**
 * CORS for one origin only, on the consumer routes: a page from `origin` may read a rental's logs and ports and
 * stop it with its `Authorization: Bearer` credential (the preflight allows that header). Any other origin gets
 * no CORS headers, so its browser keeps the answer from it; non-browser clients are unaffected either way.
 * Errors get the headers too, so the page can show the problem+json saying why.
 *
 * @example
 * app.use(singleOriginCors({ origin: "https://gpuc.example" }));
 */
export function singleOriginCors({
  origin,
  paths = CONSUMER_PATHS,
  maxAgeS = 600,
}: CorsOptions): RequestHandler {
  return function singleOriginCorsMiddleware(req: Request, res: Response, next: NextFunction) {
    if (!paths.test(req.path)) return next();
    // Caches must not serve one origin's answer to another.
    res.vary("Origin");
    if (!origin || req.headers.origin !== origin) return next();
    res.setHeader("Access-Control-Allow-Origin", origin);
    res.setHeader("Access-Control-Expose-Headers", "x-request-id, retry-after");
    if (req.method !== "OPTIONS") return next();
    res.setHeader("Access-Control-Allow-Methods", "GET, POST");
    res.setHeader("Access-Control-Allow-Headers", "authorization, content-type");
    res.setHeader("Access-Control-Max-Age", String(maxAgeS));
    res.status(204).end();
  };
}
