import type { CallOptions, HttpClient, RequestSpec } from "./client.ts";
import { NetworkError } from "./errors.ts";
import { sleep } from "./retry.ts";
import { decode } from "./streams.ts";

/** One server-sent event (WHATWG HTML § 9.2). */
export interface ServerSentEvent {
  /** `event:`; "message" when the server named none. */
  readonly event: string;
  /** The `data:` lines joined with `\n`. */
  readonly data: string;
  /** The last `id:` seen in the stream so far (sent back as `Last-Event-ID` on reconnect). */
  readonly id: string;
  /** `retry:` in milliseconds, when this event carried one. */
  readonly retry?: number;
}

interface Pending {
  event: string;
  data: string[];
  id: string;
  retry?: number;
}

/**
 * Parses a `text/event-stream` body into events, as `EventSource` does: fields `event`, `data`, `id`, `retry`;
 * comments (`:`) and unknown fields ignored; a blank line dispatches; CR, LF or CRLF end lines, even split
 * across chunks. Pulls the body only as fast as the consumer iterates.
 *
 * @example
 * for await (const event of readServerSentEvents(response.body!)) if (event.event === "state") render(JSON.parse(event.data));
 */
export async function* readServerSentEvents(
  stream: ReadableStream<Uint8Array>,
): AsyncGenerator<ServerSentEvent, void, undefined> {
  const state: Pending = { event: "", data: [], id: "" };
  let buffer = "";
  let first = true;
  let afterCR = false;
  for await (let text of decode(stream)) {
    if (first) text = text.replace(/^\uFEFF/, "");
    first = false;
    // A CRLF split across chunks: the CR already ended the line, so the LF must not end another (blank) one.
    if (afterCR && text.startsWith("\n")) text = text.slice(1);
    afterCR = text.endsWith("\r");
    buffer += text;
    const lines = buffer.split(/\r\n|\r|\n/);
    buffer = lines.pop() ?? "";
    for (const line of lines) {
      const event = take(state, line);
      if (event) yield event;
    }
  }
}

/** Applies one line; a blank line returns the event it completes, if it has data. */
function take(state: Pending, line: string): ServerSentEvent | undefined {
  if (line === "") {
    const { event, data, id, retry } = state;
    state.event = "";
    state.data = [];
    state.retry = undefined;
    if (data.length === 0) return undefined;
    return {
      event: event || "message",
      data: data.join("\n"),
      id,
      ...(retry === undefined ? {} : { retry }),
    };
  }
  if (line.startsWith(":")) return undefined;
  const colon = line.indexOf(":");
  const field = colon < 0 ? line : line.slice(0, colon);
  const value = colon < 0 ? "" : line.slice(colon + (line[colon + 1] === " " ? 2 : 1));
  if (field === "data") state.data.push(value);
  else if (field === "event") state.event = value;
  else if (field === "id" && !value.includes("\0")) state.id = value;
  else if (field === "retry" && /^\d+$/.test(value)) state.retry = Number(value);
  return undefined;
}

export interface SubscribeOptions extends CallOptions {
  /** Resume after this event (sent as `Last-Event-ID`). */
  readonly lastEventId?: string;
  /** Wait before reconnecting until the server sets one with `retry:` (default 3 s). */
  readonly reconnectMs?: number;
}

/**
 * Follows a server-sent events endpoint as `EventSource` does, over the client's fetch (so with its bearer
 * credentials, which `EventSource` cannot send): reconnects after the stream ends or the network fails, with
 * `Last-Event-ID`, waiting the server's `retry:`. Ends when `options.signal` aborts (throwing its reason) or on a
 * `ProblemError` (the server refused: signed out, gone).
 *
 * @example
 * for await (const event of subscribe(http, { method: "GET", path: "/api/v1/events" }, { signal })) handle(event);
 */
export async function* subscribe(
  http: HttpClient,
  spec: RequestSpec,
  options: SubscribeOptions = {},
): AsyncGenerator<ServerSentEvent, void, undefined> {
  let lastEventId = options.lastEventId ?? "";
  let reconnectMs = options.reconnectMs ?? 3_000;
  while (true) {
    const headers = { ...spec.headers, ...(lastEventId ? { "last-event-id": lastEventId } : {}) };
    let response: Response | undefined;
    try {
      response = await http.open({ ...spec, accept: "text/event-stream", headers }, options);
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
    }
    try {
      for await (const event of readServerSentEvents(response?.body ?? emptyStream())) {
        lastEventId = event.id;
        if (event.retry !== undefined) reconnectMs = event.retry;
        yield event;
      }
    } catch (error) {
      // A body cut off mid-stream (connection reset, proxy timeout) is reconnected; an abort is the caller's.
      if (options.signal?.aborted) throw options.signal.reason;
      if (!(error instanceof TypeError || error instanceof NetworkError)) throw error;
    }
    await sleep(reconnectMs, options.signal);
  }
}

function emptyStream(): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (controller) => controller.close() });
}
