import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from "express";
import type { Logger } from "../logger.ts";
import { routeTemplate } from "./access-log.ts";
import { HttpError } from "./errors.ts";
import { type Problem, problem, problemKind } from "./problem.ts";
import { requestIdOf } from "./request-id.ts";

export interface ErrorHandlerOptions {
  readonly log: Logger;
  /**
   * The status of an error that is not an `HttpError` but is safe to show the caller (a domain error thrown
   * below the HTTP layer, e.g. "no container for this rental" → 404): its message becomes the detail and its
   * class name the kind. Undefined for every other error, which becomes a 500.
   */
  readonly statusOf?: (error: unknown) => number | undefined;
}

/**
 * Maps every error to `application/problem+json` (RFC 9457). Expected failures (`HttpError`, errors given a
 * status by `statusOf`, body-parser errors: invalid JSON 400, too large 413, unsupported charset 415; the
 * router's 400 for a path parameter that is not valid percent-encoding, e.g. `/instances/%E0%A4%A`) keep
 * their message; anything else is logged and becomes a 500 that reveals nothing. Mount it last.
 *
 * @example
 * app.use(notFound({ docsPath: "/openapi.json" }), errorHandler({ log }));
 */
export function errorHandler({ log, statusOf = () => undefined }: ErrorHandlerOptions): ErrorRequestHandler {
  return function errorHandler(error: unknown, req: Request, res: Response, _next: NextFunction): void {
    const body = toProblem(error, statusOf);
    if (body.status >= 500) {
      const route = routeTemplate(req) ?? req.path;
      log.error("REQUEST_FAILED", { method: req.method, route, requestId: requestIdOf(req), error });
    }
    // A response already under way (a stream) cannot turn into a problem: cut it so the client sees it broke.
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendProblem(req, res, body);
  };
}

export interface NotFoundOptions {
  /** Where the caller finds the routes that do exist; named in the detail. */
  readonly docsPath?: string;
}

/**
 * Answers 404 problem+json (`urn:gpuc:problem:not-found`) for every request no route matched.
 *
 * @example
 * app.use(notFound({ docsPath: "/api/v1/openapi.json" }));
 */
export function notFound({ docsPath = "/openapi.json" }: NotFoundOptions = {}): RequestHandler {
  return function notFound(req: Request, res: Response): void {
    sendProblem(req, res, problem(404, `No route ${req.method} ${req.path}; see ${docsPath}`, "not-found"));
  };
}

/** Writes `body` as the response, with the request's id as the problem's `instance`. */
export function sendProblem(req: Request, res: Response, body: Problem): void {
  const id = requestIdOf(req);
  const withInstance = id === undefined ? body : { ...body, instance: `urn:gpuc:request:${id}` };
  res.status(body.status).type("application/problem+json").send(JSON.stringify(withInstance));
}

function toProblem(error: unknown, statusOf: (error: unknown) => number | undefined): Problem {
  if (error instanceof HttpError)
    return problem(error.status, error.message, problemKind(error.name), error.extensions);
  const mapped = error instanceof Error ? statusOf(error) : undefined;
  if (error instanceof Error && mapped !== undefined)
    return problem(mapped, error.message, problemKind(error.name));
  if (error instanceof URIError && "status" in error && error.status === 400)
    return problem(
      400,
      `The request path is not valid percent-encoding (${error.message}); encode it with encodeURIComponent`,
      "malformed-request",
    );
  const parserError = bodyParserError(error);
  if (parserError) return problem(parserError.status, parserDetail(parserError), "malformed-request");
  return problem(500, "The server failed to handle the request; retry later", "internal");
}

interface BodyParserError {
  readonly status: number;
  readonly message: string;
  readonly limit?: number;
}

// body-parser's errors carry `type` (e.g. entity.parse.failed) and a 4xx `status`, and are safe to echo.
function bodyParserError(error: unknown): BodyParserError | undefined {
  if (!(error instanceof Error) || !("type" in error) || !("status" in error)) return undefined;
  const status = Number(error.status);
  if (!(status >= 400 && status < 500)) return undefined;
  const limit = "limit" in error && typeof error.limit === "number" ? error.limit : undefined;
  return { status, message: error.message, ...(limit !== undefined ? { limit } : {}) };
}

function parserDetail({ status, message, limit }: BodyParserError): string {
  if (status === 413) return `The request body is too large; send at most ${formatBytes(limit)}`;
  if (status === 415) return "Send the request body as application/json";
  return `The request body is not valid JSON: ${message}`;
}

function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return "the size the service allows";
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}
