import type { Logger } from "@gpuc/platform";
import type { ErrorRequestHandler, Response } from "express";
import { ZodError } from "zod";
import { ContainerNotFoundError } from "../docker/errors.ts";
import { ExecutorError } from "../errors.ts";

/** An expected HTTP failure: becomes an RFC 9457 problem+json response with this status, title and detail. */
export class HttpProblem extends ExecutorError {
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
  ) {
    super(detail);
  }
}

/** Throws a problem unless `condition` holds: expected failures in one line. */
export function assertHttp(
  condition: unknown,
  status: number,
  title: string,
  detail: string,
): asserts condition {
  if (!condition) throw new HttpProblem(status, title, detail);
}

export function sendProblem(
  res: Response,
  status: number,
  title: string,
  detail: string,
  instance?: string,
): void {
  res
    .status(status)
    .type("application/problem+json")
    .send(JSON.stringify({ type: "about:blank", title, status, detail, ...(instance ? { instance } : {}) }));
}

/** Maps every error to problem+json; unknown errors become a 500 that reveals nothing. */
export function problemHandler(log: Logger): ErrorRequestHandler {
  return function problemHandler(error, req, res, _next) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error instanceof HttpProblem)
      return sendProblem(res, error.status, error.title, error.message, req.originalUrl);
    if (error instanceof ContainerNotFoundError) {
      return sendProblem(res, 404, "Instance not found", error.message, req.originalUrl);
    }
    if (error instanceof ZodError) {
      const detail = error.issues
        .map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`)
        .join("; ");
      return sendProblem(res, 400, "Invalid request", detail, req.originalUrl);
    }
    if ((error as { type?: string }).type === "entity.parse.failed") {
      return sendProblem(res, 400, "Invalid request", "The body is not valid JSON", req.originalUrl);
    }
    log.error("HTTP_UNHANDLED_ERROR", { path: req.path, error });
    sendProblem(res, 500, "Internal error", "The executor failed to handle this request; try again later");
  };
}
