import { afterEach, describe, expect, it } from "vitest";
import { startTestServer, streamOf, type TestServer } from "../testing/server.ts";
import { HttpClient } from "./client.ts";
import { readServerSentEvents, type ServerSentEvent, subscribe } from "./sse.ts";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function parse(...parts: string[]): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = [];
  for await (const event of readServerSentEvents(streamOf(...parts))) events.push(event);
  return events;
}

describe("readServerSentEvents", () => {
  it("Should parse events as EventSource does: fields, multi-line data, comments, ids and retry", async () => {
    const events = await parse(
      "\uFEFF: a comment\n",
      'event: state\ndata: {"state":\n',
      'data: "Running"}\nid: 7\nretry: 1500\n\n',
      "data:no space\nunknown: x\n\n",
      "id\n\ndata\n\n",
      "event: lost\n\n",
      "data: not dispatched without a blank line",
    );
    expect(events).toEqual([
      { event: "state", data: '{"state":\n"Running"}', id: "7", retry: 1500 },
      { event: "message", data: "no space", id: "7" },
      { event: "message", data: "", id: "" },
    ]);
  });

  it("Should take CR, LF and CRLF line ends, even a CRLF split across chunks", async () => {
    expect(await parse("data: a\r", "\ndata: b\r\r", "data: c\n", "\n")).toEqual([
      { event: "message", data: "a\nb", id: "" },
      { event: "message", data: "c", id: "" },
    ]);
  });
});

describe("subscribe", () => {
  it("Should reconnect after the stream ends, with Last-Event-ID and the server's retry, until aborted", async () => {
    let connection = 0;
    server = await startTestServer((_req, res) => {
      connection++;
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(
        connection === 1
          ? "retry: 50\nid: 1\ndata: one\n\nid: 2\ndata: two\n\n"
          : `id: ${connection + 1}\ndata: again\n\n`,
      );
    });
    const http = new HttpClient({ baseUrl: server.url, auth: "session" });
    const stop = new AbortController();
    const seen: string[] = [];
    const reading = (async () => {
      for await (const event of subscribe(
        http,
        { method: "GET", path: "/events" },
        { signal: stop.signal },
      )) {
        seen.push(`${event.id}:${event.data}`);
        if (seen.length === 3) stop.abort(new Error("done"));
      }
    })();
    await expect(reading).rejects.toThrow("done");
    expect(seen).toEqual(["1:one", "2:two", "3:again"]);
    expect(server.requests.map((r) => r.headers["last-event-id"])).toEqual([undefined, "2"]);
    expect(server.requests[0]!.headers).toMatchObject({
      accept: "text/event-stream",
      authorization: "Bearer session",
    });
  });

  it("Should stop on a refusal instead of reconnecting", async () => {
    server = await startTestServer((_req, res) => {
      res.writeHead(401, { "content-type": "application/problem+json" });
      res.end(JSON.stringify({ type: "about:blank", title: "Unauthorized", status: 401, detail: "sign in" }));
    });
    const events = subscribe(
      new HttpClient({ baseUrl: server.url }),
      { method: "GET", path: "/events" },
      { reconnectMs: 10 },
    );
    await expect(events.next()).rejects.toMatchObject({ name: "ProblemError", status: 401 });
    expect(server.requests).toHaveLength(1);
  });
});
