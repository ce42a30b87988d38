import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { ExecutorClient } from "../executor/client.ts";
import { startTestServer, streamOf, type TestServer } from "../testing/server.ts";
import { readLines } from "./streams.ts";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("readLines", () => {
  it("Should split lines across chunks, keep multi-byte characters whole, and give a last unterminated line", async () => {
    const e = new TextEncoder().encode("é");
    const lines: string[] = [];
    for await (const line of readLines(
      streamOf("h", e.slice(0, 1), e.slice(1), "llo\r", "\nwor", "ld\n\nend"),
    )) {
      lines.push(line);
    }
    expect(lines).toEqual(["héllo", "world", "", "end"]);
  });
});

describe("ExecutorClient.logs", () => {
  it("Should read a followed log only as fast as the consumer, holding the writer back, and close it on cancel", async () => {
    const chunk = Buffer.alloc(64 * 1024, "x\n");
    const served = { written: 0, closed: false };
    server = await startTestServer(async (_req, res) => {
      res.on("close", () => {
        served.closed = true;
      });
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
      // A container that logs without pause, as long as anyone reads: 256 MiB at most.
      while (!served.closed && served.written < 256 * 1024 * 1024) {
        served.written += chunk.length;
        if (!res.write(chunk)) await drainedOrClosed(res);
      }
    });
    const executor = new ExecutorClient({ baseUrl: server.url, auth: "credential" });
    const logs = await executor.logs("00000000-0000-4000-8000-000000000000", { follow: true, tail: 10 });
    const reader = logs.chunks();
    let read = 0;
    for (let i = 0; i < 4; i++) read += (await reader.next()).value?.length ?? 0;
    await pause(300);
    const stalled = served.written;
    await pause(300);
    // The writer is blocked on the socket: nothing more is produced while nobody reads.
    expect(served.written).toBe(stalled);
    expect(stalled - read).toBeLessThan(32 * 1024 * 1024);
    // Reading on past what was buffered lets the writer go on.
    while (read < stalled + 1024 * 1024) read += (await reader.next()).value?.length ?? 0;
    expect(served.written).toBeGreaterThan(stalled);
    await reader.return();
    for (let i = 0; i < 50 && !served.closed; i++) await pause(20);
    expect(served.closed).toBe(true);
    expect(server.requests[0]).toMatchObject({
      url: "/instances/00000000-0000-4000-8000-000000000000/logs?follow=true&tail=10",
    });
    expect(server.requests[0]!.headers.authorization).toBe("Bearer credential");
  });

  it("Should give the whole log as text without follow, and a refusal as a ProblemError", async () => {
    server = await startTestServer((req, res) => {
      if (req.url?.includes("/refused")) {
        res.writeHead(403, { "content-type": "application/problem+json" });
        return void res.end(
          JSON.stringify({
            type: "about:blank",
            title: "Credential lacks this scope",
            status: 403,
            detail: 'not "logs"',
          }),
        );
      }
      res.writeHead(200, { "content-type": "text/plain" }).end("one\ntwo\n");
    });
    const executor = new ExecutorClient({ baseUrl: server.url, auth: "credential" });
    expect(await (await executor.logs("i-1")).text()).toBe("one\ntwo\n");
    await expect(executor.logs("refused")).rejects.toMatchObject({
      name: "ProblemError",
      status: 403,
      title: "Credential lacks this scope",
    });
  });
});
