import type { Request, Response } from "express";

/** How often a quiet stream sends a comment, so proxies keep it open. */
const KEEPALIVE_MS = 15_000;

/**
 * Opens a server-sent events response and resolves when the client goes away. `send` writes one event
 * (`event:`, `id:`, one `data:` line of JSON).
 */
export function openDepositStream(req: Request, res: Response) {
  res.status(200).set({
    "content-type": "text/event-stream",
    "cache-control": "no-store",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  res.flushHeaders();
  res.write("retry: 3000\n\n");
  const keepalive = setInterval(() => res.write(": keepalive\n\n"), KEEPALIVE_MS);
  const done = new Promise<void>((resolve) => {
    req.on("close", () => {
      clearInterval(keepalive);
      resolve();
    });
  });
  return {
    done,
    send(event: string, id: string, data: unknown) {
      res.write(`event: ${event}\nid: ${id}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    end() {
      clearInterval(keepalive);
      res.end();
    },
  };
}
