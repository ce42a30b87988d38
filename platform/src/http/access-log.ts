import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { Logger } from "../logger.ts";
import { requestIdOf } from "./request-id.ts";

export interface AccessLogOptions {
  readonly log: Logger;
  readonly level?: "debug" | "info";
  readonly event?: string;
}

/**
 * One structured log line per answered request: `{ method, route, status, durationMs, requestId }`, where
 * `route` is the matched path template (`/api/v1/instances/{id}`), not the raw path with its ids; unmatched
 * requests log `route: "unmatched"` and their `path`. Headers and bodies are never logged (they carry
 * credentials). `aborted: true` marks a response the client closed before it was complete.
 *
 * @example
 * app.use(requestId(), accessLog({ log }));
 */
export function accessLog({ log, level = "info", event = "HTTP_REQUEST" }: AccessLogOptions): RequestHandler {
  return function accessLog(req: Request, res: Response, next: NextFunction): void {
    const started = performance.now();
    res.once("close", () => {
      const route = routeTemplate(req);
      log[level](event, {
        method: req.method,
        route: route ?? "unmatched",
        ...(route ? {} : { path: req.path.slice(0, 200) }),
        status: res.statusCode,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        requestId: requestIdOf(req),
        ...(res.writableFinished ? {} : { aborted: true }),
      });
    });
    next();
  };
}

/** The path template Express matched, in OpenAPI syntax (`:id` → `{id}`); undefined when no route matched. */
export function routeTemplate(req: Request): string | undefined {
  const path: unknown = req.route?.path;
  return typeof path === "string" ? `${req.baseUrl}${path}`.replace(/:(\w+)/g, "{$1}") : undefined;
}
