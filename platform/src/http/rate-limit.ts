import type { Request, RequestHandler } from "express";
import { rateLimit } from "express-rate-limit";
import { HttpError } from "./errors.ts";

/** The caller's address sent more requests to a rate-limited route than the window allows. */
export class RateLimitedError extends HttpError {
  constructor(
    readonly limit: number,
    readonly windowS: number,
  ) {
    super(
      429,
      `Too many requests from your address (at most ${limit} per ${windowS} s); wait for the Retry-After seconds and retry`,
      { limit, windowS },
    );
  }
}

export interface RateLimitOptions {
  /** Requests one client IP may make per window. */
  readonly limit: number;
  readonly windowS: number;
  /** Requests that never count (e.g. those bearing a valid credential: they are not anonymous sign-in spam). */
  readonly skip?: (req: Request) => boolean | Promise<boolean>;
}

/**
 * Per-IP rate limit (express-rate-limit, in memory: each process counts on its own) answering 429
 * problem+json (`RateLimitedError`, through the error handler) with `RateLimit` and `Retry-After` headers.
 * Behind a reverse proxy set Express's `trust proxy` so the client's address, not the proxy's, is counted.
 *
 * @example
 * app.use("/api/v1/auth/challenge", ipRateLimit({ limit: 30, windowS: 60 }));
 */
export function ipRateLimit({ limit, windowS, skip }: RateLimitOptions): RequestHandler {
  return rateLimit({
    ...(skip ? { skip: (req: Request) => skip(req) } : {}),
    windowMs: windowS * 1000,
    limit,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new RateLimitedError(limit, windowS)),
  });
}
