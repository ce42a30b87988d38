import type { Logger } from "@gpuc/platform";
import type { NextFunction, Request, Response } from "express";
import { HttpError } from "./errors.ts";

/** RFC 9457 problem details, the one shape of every error response. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  [extension: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  402: "Payment Required",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  410: "Gone",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

/** Builds a problem object; `type` names the failure, e.g. `urn:gpuc:problem:illegal-transition`. */
export function problem(status: number, detail: string, kind = "http-error", extensions = {}): Problem {
  return {
    type: `urn:gpuc:problem:${kind}`,
    title: TITLES[status] ?? "Error",
    status,
    detail,
    ...extensions,
  };
}

/**
 * Maps every error to `application/problem+json`. Expected failures (`HttpError`, body parser errors) keep
 * their message; anything else is logged and becomes a 500 that reveals nothing.
 */
export function errorHandler(log: Logger) {
  return function handleError(error: unknown, req: Request, res: Response, _next: NextFunction): void {
    const body = toProblem(error);
    if (body.status >= 500) log.error("REQUEST_FAILED", { method: req.method, path: req.path, error });
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(body.status).type("application/problem+json").send(JSON.stringify(body));
  };
}

function toProblem(error: unknown): Problem {
  if (error instanceof HttpError)
    return problem(error.status, error.message, kebab(error.name), error.extensions);
  const status = bodyParserStatus(error);
  if (status) return problem(status, bodyParserDetail(error, status), "malformed-request");
  return problem(500, "The server failed to handle the request; retry later", "internal");
}

// body-parser errors carry `status` and `type` (e.g. entity.parse.failed) and are safe to echo.
function bodyParserStatus(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null || !("type" in error) || !("status" in error))
    return undefined;
  const status = Number(error.status);
  return status >= 400 && status < 500 ? status : undefined;
}

function bodyParserDetail(error: unknown, status: number): string {
  if (status === 413) return "The request body is too large; send at most 1 MB";
  if (status === 415) return "Send the request body as application/json";
  return `The request body is not valid JSON: ${(error as Error).message}`;
}

function kebab(name: string): string {
  return name
    .replace(/Error$/, "")
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .toLowerCase();
}

/** Answers 404 in the same shape for every path that no route matches. */
export function notFoundHandler(req: Request, res: Response): void {
  const body = problem(404, `No route ${req.method} ${req.path}; see /api/v1/openapi.json`, "not-found");
  res.status(404).type("application/problem+json").send(JSON.stringify(body));
}
