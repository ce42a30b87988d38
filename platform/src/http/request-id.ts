import { randomUUID } from "node:crypto";
import type { NextFunction, Request, RequestHandler, Response } from "express";

export interface RequestIdOptions {
  /** Header read from the request and written on the response. */
  readonly headerName?: string;
  /** Longest incoming id accepted; a longer one is replaced by a generated one. */
  readonly limitLength?: number;
  readonly generator?: () => string;
}

// Letters, digits and `_-=.:` only: the id goes into log lines, a response header and a URN.
const SANE_ID = /^[\w\-=.:]+$/;
const ids = new WeakMap<Request, string>();

/**
 * Gives every request an id: the caller's `X-Request-Id` when it is sane (at most `limitLength` characters of
 * letters, digits and `_-=.:`), else a fresh UUID. The id is echoed in the response header, read by the error
 * handler (problem `instance`) and the access log, and available to handlers through `requestIdOf(req)`.
 *
 * @example
 * app.use(requestId());
 * app.get("/x", (req, res) => res.json({ id: requestIdOf(req) }));
 */
export function requestId({
  headerName = "X-Request-Id",
  limitLength = 255,
  generator = randomUUID,
}: RequestIdOptions = {}): RequestHandler {
  return function requestId(req: Request, res: Response, next: NextFunction): void {
    const incoming = req.get(headerName);
    const id = incoming && incoming.length <= limitLength && SANE_ID.test(incoming) ? incoming : generator();
    ids.set(req, id);
    res.setHeader(headerName, id);
    next();
  };
}

/** The id `requestId()` gave this request; undefined when that middleware does not run. */
export function requestIdOf(req: Request): string | undefined {
  return ids.get(req);
}
