import { type IncomingMessage, request } from "node:http";
import type { FuzzRequest } from "./requests.ts";

/** What came back: enough of the body to judge it (a stream is cut after its first chunk). */
export interface FuzzReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  /** The body was cut at 64 KB (or a stream after its first chunk). */
  readonly truncated?: boolean;
}

const MAX_BODY = 64 * 1024;

/**
 * Sends `req` as written (node:http, not fetch: fetch would resolve `..` and re-encode the path) to `baseUrl`.
 * Resolves to status 0 when no answer starts within `timeoutMs`: a hang is a finding too.
 */
export function send(baseUrl: string, req: FuzzRequest, timeoutMs: number, retry = true): Promise<FuzzReply> {
  const url = new URL(baseUrl);
  return new Promise((resolve) => {
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.body !== undefined) headers["content-length"] = Buffer.byteLength(req.body);
    let response: IncomingMessage | undefined;
    const chunks: Buffer[] = [];
    const finish = (fallback = "", truncated = false) => {
      const body = Buffer.concat(chunks).toString("utf8") || fallback;
      resolve({
        status: response?.statusCode ?? 0,
        contentType: String(response?.headers["content-type"] ?? ""),
        body,
        truncated,
      });
    };
    const outgoing = request(
      { host: url.hostname, port: url.port, method: req.method, path: req.path, headers, timeout: timeoutMs },
      (res) => {
        response = res;
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          // A followed log never ends: one chunk of an unsized 2xx stream, or enough of any body, is all we judge.
          const streaming = (res.statusCode ?? 0) < 300 && res.headers["content-length"] === undefined;
          if (size > MAX_BODY || streaming) {
            res.destroy();
            finish("", true);
          }
        });
        res.on("end", () => finish());
        res.on("error", () => finish());
      },
    );
    outgoing.on("timeout", () => {
      outgoing.destroy();
      finish(`no answer within ${timeoutMs} ms`);
    });
    outgoing.on("error", (error: NodeJS.ErrnoException) => {
      // A kept-alive socket the server closed just as we reused it: the request never reached the app, so it is
      // sent again on a fresh one (Node's documented remedy), not reported as the service's failure.
      if (!response && retry && outgoing.reusedSocket && error.code === "ECONNRESET")
        resolve(send(baseUrl, req, timeoutMs, false));
      else finish(String(error));
    });
    outgoing.end(req.body);
  });
}
