import type { Request, Response } from "express";

export interface EventStreamOptions {
  /** A `: keepalive` comment this often, so proxies and browsers keep an idle stream open. */
  readonly keepaliveMs: number;
  /** The reconnection delay the client is told (`retry:`). */
  readonly retryMs: number;
}

/** A `text/event-stream` response being written. */
export interface EventStream {
  /** Writes one event; JSON data on one line. */
  send(event: string, id: string, data: unknown): void;
  /** Ends the stream from this side (the client reconnects after `retry`). */
  end(): void;
  /** Resolves when the stream is over, whoever ended it. */
  readonly done: Promise<void>;
}

/**
 * A reader that does not keep up must not make the marketplace buffer for it without bound: past this many bytes
 * unsent its stream is ended, and it reconnects with Last-Event-ID and is sent what it missed.
 */
const MAX_BUFFERED_BYTES = 1 << 20;

/**
 * Starts a server-sent events response: the headers (no caching or proxy buffering), the `retry:` delay at once
 * (so the client sees the stream open), keepalive comments, and an end when either side closes.
 *
 * @example
 * const stream = openEventStream(req, res, { keepaliveMs: 15_000, retryMs: 3_000 });
 * stream.send("instance", "42", instance);
 */
export function openEventStream(req: Request, res: Response, options: EventStreamOptions): EventStream {
  res.status(200).set({
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, no-transform",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  res.flushHeaders();
  let over = false;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const end = () => {
    if (over) return;
    over = true;
    clearInterval(keepalive);
    res.end();
    finish();
  };
  const write = (text: string) => {
    if (over) return;
    res.write(text);
    if (res.writableLength > MAX_BUFFERED_BYTES) end();
  };
  const keepalive = setInterval(() => write(": keepalive\n\n"), options.keepaliveMs);
  req.on("close", end);
  res.on("error", end);
  write(`retry: ${options.retryMs}\n\n`);
  return {
    send: (event, id, data) => write(`event: ${event}\nid: ${id}\ndata: ${JSON.stringify(data)}\n\n`),
    end,
    done,
  };
}
