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

/** The node's ApiError fields an error maps to: rejections and bad input 400, unknown ids 404; others undefined. */
export function apiErrorOf(error: unknown): { status: number; reason: string; detail: string } | undefined {
  if (error instanceof DevnetRejectedError)
    return { status: 400, reason: "bad.request", detail: error.reason };
  if (error instanceof DevnetBadRequestError || error instanceof DevnetRollbackError) {
    return { status: 400, reason: "bad.request", detail: error.message };
  }
  if (error instanceof DevnetNotFoundError)
    return { status: 404, reason: "not-found", detail: error.message };
  if (isHttpError(error) && error.status < 500) {
    return { status: error.status, reason: "bad.request", detail: error.message };
  }
  return undefined;
}

/** Maps every error to the node's ApiError (`apiErrorOf`), the rest 500. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return function devnetErrorHandler(error, req, res, _next) {
    const known = apiErrorOf(error);
    if (known) return sendError(res, known.status, known.reason, known.detail);
    log.error("HTTP_FAILED", { method: req.method, path: req.path, error });
    sendError(res, 500, "internal.error", "The devnet failed to answer; see its log");
  };
}

function isHttpError(error: unknown): error is { status: number; message: string } {
  return (
    typeof error === "object" && error !== null && typeof (error as { status?: unknown }).status === "number"
  );
}
