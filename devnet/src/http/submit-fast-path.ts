import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "@gpuc/platform";
import type { Chain } from "../chain/chain.ts";
import { apiErrorOf } from "./respond.ts";

/** The largest body taken, as `express.text` takes for every other route. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * `POST /transactions` served straight on node:http, ahead of Express: it is the devnet's hot path (every wallet and
 * part submits through it), and Express's routing and body reading cost about as much as the transaction's own
 * validation. Same answers as the Express route would give: the id as JSON, or the node's ApiError.
 * Returns false for any other request, which goes on to Express.
 */
export function submitFastPath(chain: Chain, log: Logger) {
  return function submitTransaction(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== "POST" || (req.url !== "/transactions" && !req.url?.startsWith("/transactions?")))
      return false;
    readBody(req)
      .then((body) => {
        if (body === undefined) return reply(res, 413, apiError(413, "bad.request", "The body is over 4 MB"));
        // The id is hex: its JSON is the id in quotes.
        return chain.submit(body).then((txId) => reply(res, 200, `"${txId}"`));
      })
      .catch((error: unknown) => fail(res, log, error));
    return true;
  };
}

function fail(res: ServerResponse, log: Logger, error: unknown): void {
  const known = apiErrorOf(error);
  if (known) {
    reply(res, known.status, apiError(known.status, known.reason, known.detail));
    return;
  }
  log.error("HTTP_FAILED", { method: "POST", path: "/transactions", error });
  reply(res, 500, apiError(500, "internal.error", "The devnet failed to answer; see its log"));
}

/** The body as text; undefined when it is over MAX_BODY_BYTES. */
function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on("end", () => {
      if (size > MAX_BODY_BYTES) resolve(undefined);
      // A transaction's body usually arrives in one chunk: no copy then.
      else resolve((chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString("utf8"));
    });
    req.on("error", reject);
  });
}

function apiError(status: number, reason: string, detail: string): string {
  return JSON.stringify({ error: status, reason, detail });
}

function reply(res: ServerResponse, status: number, json: string): void {
  if (res.headersSent) return;
  // Headers as a flat list: node:http takes it without copying them into its header map.
  res.writeHead(status, [
    "content-type",
    "application/json; charset=utf-8",
    "content-length",
    String(Buffer.byteLength(json)),
  ]);
  res.end(json);
}
