import type { Request } from "express";
import type { UnspentQuery } from "../chain/queries.ts";
import { DevnetBadRequestError } from "../errors/index.ts";

/** The node refuses pages above this size. */
export const MAX_ITEMS = 16_384;

/** `offset`/`limit` query parameters with the node's defaults for the endpoint. */
export function paging(req: Request, defaultLimit: number): { offset: number; limit: number } {
  const offset = integerParam(req, "offset", 0);
  const limit = integerParam(req, "limit", defaultLimit);
  if (offset < 0) throw new DevnetBadRequestError("offset is negative");
  if (limit < 0) throw new DevnetBadRequestError("limit is negative");
  if (limit > MAX_ITEMS) throw new DevnetBadRequestError(`No more than ${MAX_ITEMS} boxes can be requested`);
  return { offset, limit };
}

/** The query of the node's `/blockchain/box/unspent/...` endpoints (default page of 5, newest first). */
export function unspentQuery(req: Request): UnspentQuery {
  const direction = stringParam(req, "sortDirection", "desc").toLowerCase();
  if (direction !== "asc" && direction !== "desc") {
    throw new DevnetBadRequestError(
      'Invalid parameter for sort direction, valid values are "ASC" and "DESC"',
    );
  }
  return {
    ...paging(req, 5),
    direction,
    includeUnconfirmed: booleanParam(req, "includeUnconfirmed"),
    excludeMempoolSpent: booleanParam(req, "excludeMempoolSpent"),
  };
}

/** A 32-byte hex id from the path. */
export function idParam(req: Request, name: string): string {
  const value = req.params[name];
  if (typeof value !== "string" || !/^[0-9a-fA-F]{64}$/.test(value)) {
    throw new DevnetBadRequestError(`${name} must be 64 hex characters (a 32-byte id)`);
  }
  return value.toLowerCase();
}

export function integerPathParam(req: Request, name: string): number {
  const value = Number(req.params[name]);
  if (!Number.isSafeInteger(value)) throw new DevnetBadRequestError(`${name} must be an integer`);
  return value;
}

/** A body that is a JSON string (`"3Wx…"`) or the plain text, as the node reads addresses and trees. */
export function stringBody(req: Request): string {
  const text = typeof req.body === "string" ? req.body.trim() : "";
  if (text.startsWith('"')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === "string") return parsed;
    } catch {
      // fall through: not a JSON string
    }
    throw new DevnetBadRequestError("The body must be a JSON string");
  }
  if (!text) throw new DevnetBadRequestError("The body is empty; send a JSON string");
  return text;
}

function integerParam(req: Request, name: string, fallback: number): number {
  const raw = req.query[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (typeof raw !== "string" || !Number.isSafeInteger(value)) {
    throw new DevnetBadRequestError(`${name} must be an integer`);
  }
  return value;
}

function stringParam(req: Request, name: string, fallback: string): string {
  const raw = req.query[name];
  return typeof raw === "string" ? raw : fallback;
}

function booleanParam(req: Request, name: string): boolean {
  const raw = req.query[name];
  if (raw === undefined) return false;
  if (raw === "true" || raw === "false") return raw === "true";
  throw new DevnetBadRequestError(`${name} must be true or false`);
}
