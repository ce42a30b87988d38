import type { Logger } from "@gpuc/platform";
import type { ErrorRequestHandler, Response } from "express";
import {
  DevnetBadRequestError,
  DevnetNotFoundError,
  DevnetRejectedError,
  DevnetRollbackError,
} from "../errors/index.ts";
import { toNodeJson } from "../tx/json.ts";

/** Writes a body as the node does: JSON, bigint amounts as plain numbers. */
export function sendJson(res: Response, body: unknown, status = 200): void {
  res.status(status).type("application/json").send(toNodeJson(body));
}

/** The node's `ApiError` shape. */
export function sendError(res: Response, status: number, reason: string, detail: string | null): void {
  sendJson(res, { error: status, reason, detail }, status);
}

/** Maps every error to the node's ApiError: rejections and bad input 400, unknown ids 404, the rest 500. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return function devnetErrorHandler(error, req, res, _next) {
    if (error instanceof DevnetRejectedError) return sendError(res, 400, "bad.request", error.reason);
    if (error instanceof DevnetBadRequestError || error instanceof DevnetRollbackError) {
      return sendError(res, 400, "bad.request", error.message);
    }
    if (error instanceof DevnetNotFoundError) return sendError(res, 404, "not-found", error.message);
    if (isHttpError(error) && error.status < 500) {
      return sendError(res, error.status, "bad.request", error.message);
    }
    log.error("HTTP_FAILED", { method: req.method, path: req.path, error });
    sendError(res, 500, "internal.error", "The devnet failed to answer; see its log");
  };
}

function isHttpError(error: unknown): error is { status: number; message: string } {
  return (
    typeof error === "object" && error !== null && typeof (error as { status?: unknown }).status === "number"
  );
}
