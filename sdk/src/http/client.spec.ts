import { afterEach, describe, expect, it } from "vitest";
import * as z from "zod";
import { reply, startTestServer, type TestServer } from "../testing/server.ts";
import { HttpClient, type RetryEvent } from "./client.ts";
import { NetworkError, ProblemError, ResponseSchemaError, TimeoutError } from "./errors.ts";

const ok = z.object({ ok: z.literal(true) });
const FAST = { baseDelayMs: 20, maxDelayMs: 40 };
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server answering each request with the next of `answers` (the last one repeats). */
async function answering(...answers: [number, unknown, Record<string, string>?][]) {
  let next = 0;
  server = await startTestServer((_req, res) => {
    const [status, body, headers] = answers[Math.min(next++, answers.length - 1)]!;
    reply(res, status, body, headers);
  });
  return server;
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a failure, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

describe("HttpClient", () => {
  it("Should send JSON with the bearer token and a query without unset members, and validate the answer", async () => {
    const s = await answering([200, { ok: true }]);
    const http = new HttpClient({ baseUrl: `${s.url}/`, auth: "gpuc_key" });
    const body = { price: 10n, name: "x" };
    const result = await http.json(
      { method: "POST", path: "/things", query: { a: "1", b: undefined, c: 2 }, body },
      ok,
    );
    expect(result).toEqual({ ok: true });
    expect(s.requests[0]).toMatchObject({
      method: "POST",
      url: "/things?a=1&c=2",
      body: '{"price":"10","name":"x"}',
    });
    expect(s.requests[0]!.headers).toMatchObject({
      authorization: "Bearer gpuc_key",
      "content-type": "application/json",
    });
  });

  it("Should leave credentials off public routes and ask a token source before each try", async () => {
    const s = await answering([200, { ok: true }], [503, {}], [200, { ok: true }]);
    let asked = 0;
    const http = new HttpClient({ baseUrl: s.url, auth: async () => `t${++asked}`, retry: FAST });
    await http.json({ method: "GET", path: "/public", anonymous: true }, ok);
    expect(s.requests[0]!.headers.authorization).toBeUndefined();
    expect(asked).toBe(0);
    await http.json({ method: "GET", path: "/private" }, ok);
    expect(s.requests.slice(1).map((r) => r.headers.authorization)).toEqual(["Bearer t1", "Bearer t2"]);
  });

  it("Should throw a ProblemError with every problem+json field, extensions included", async () => {
    const problem = {
      type: "urn:gpuc:problem:insufficient-funds",
      title: "Payment Required",
      status: 402,
      detail: "add 5 GPUC",
      missing: "5000000",
    };
    const s = await answering([402, problem]);
    const error = await caught(
      new HttpClient({ baseUrl: s.url, service: "The marketplace" }).json(
        { method: "POST", path: "/api/v1/instances", body: {} },
        ok,
      ),
    );
    expect(error).toBeInstanceOf(ProblemError);
    expect(error).toMatchObject({
      status: 402,
      type: problem.type,
      title: "Payment Required",
      detail: "add 5 GPUC",
      extensions: { missing: "5000000" },
      method: "POST",
      path: "/api/v1/instances",
    });
    expect((error as ProblemError).message).toBe("POST /api/v1/instances → 402 Payment Required: add 5 GPUC");
    expect((error as ProblemError).name).toBe("ProblemError");
  });

  it("Should still give a title and detail when the error body is no problem document", async () => {
    server = await startTestServer(
      (_req, res) => void res.writeHead(502, { "content-type": "text/html" }).end("<h1>Bad gateway</h1>"),
    );
    const error = await caught(
      new HttpClient({ baseUrl: server.url, retry: false }).json({ method: "GET", path: "/x" }, ok),
    );
    expect(error).toMatchObject({
      status: 502,
      type: "about:blank",
      title: "Bad Gateway",
      detail: "<h1>Bad gateway</h1>",
    });
  });

  it("Should retry an idempotent call on 502/503/504 and give up after the policy's tries", async () => {
    const s = await answering([503, {}], [504, {}], [200, { ok: true }]);
    const retries: RetryEvent[] = [];
    const http = new HttpClient({ baseUrl: s.url, retry: FAST, onRetry: (event) => retries.push(event) });
    expect(await http.json({ method: "GET", path: "/x" }, ok)).toEqual({ ok: true });
    expect(retries.map((event) => [event.attempt, (event.error as ProblemError).status])).toEqual([
      [1, 503],
      [2, 504],
    ]);
    await server!.close();
    const down = await answering([502, {}]);
    const error = await caught(
      new HttpClient({ baseUrl: down.url, retry: { ...FAST, attempts: 2 } }).json(
        { method: "PUT", path: "/x", body: {} },
        ok,
      ),
    );
    expect(error).toMatchObject({ status: 502 });
    expect(down.requests).toHaveLength(2);
  });

  it("Should never repeat a POST without an idempotency key, and repeat one with a key", async () => {
    const s = await answering([503, {}], [200, { ok: true }]);
    const http = new HttpClient({ baseUrl: s.url, retry: FAST });
    expect(await caught(http.json({ method: "POST", path: "/rent", body: {} }, ok))).toMatchObject({
      status: 503,
    });
    expect(s.requests).toHaveLength(1);
    expect(
      await http.json({ method: "POST", path: "/rent", body: {} }, ok, { idempotencyKey: "k-1" }),
    ).toEqual({ ok: true });
    expect(s.requests.map((r) => r.headers["idempotency-key"])).toEqual([undefined, "k-1"]);
  });

  it("Should not retry client errors or 500, nor a 429 that names no wait", async () => {
    for (const status of [400, 404, 409, 429, 500]) {
      const s = await answering([status, { title: "no", detail: "no" }], [200, { ok: true }]);
      const error = await caught(
        new HttpClient({ baseUrl: s.url, retry: FAST }).json({ method: "GET", path: "/x" }, ok),
      );
      expect(error).toMatchObject({ status });
      expect(s.requests).toHaveLength(1);
      await s.close();
      server = undefined;
    }
  });

  it("Should wait as long as Retry-After says on 429 and 503, and not at all when that is too long", async () => {
    const s = await answering([429, {}, { "retry-after": "1" }], [200, { ok: true }]);
    const started = Date.now();
    await new HttpClient({ baseUrl: s.url, retry: FAST }).json({ method: "GET", path: "/x" }, ok);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    await s.close();
    const busy = await answering([503, {}, { "retry-after": "120" }], [200, { ok: true }]);
    const error = await caught(
      new HttpClient({ baseUrl: busy.url, retry: FAST }).json({ method: "GET", path: "/x" }, ok),
    );
    expect(error).toMatchObject({ status: 503, retryAfterMs: 120_000 });
    expect(busy.requests).toHaveLength(1);
  });

  it("Should report an unreachable service as a NetworkError after retrying idempotent calls", async () => {
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls++;
      return fetch(input, init);
    };
    const closed = await startTestServer(() => undefined);
    await closed.close();
    const http = new HttpClient({
      baseUrl: closed.url,
      service: "The marketplace",
      fetch: counting,
      retry: FAST,
    });
    const error = await caught(http.json({ method: "GET", path: "/api/v1/status" }, ok));
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).message).toMatch(
      /^The marketplace at http:\/\/127\.0\.0\.1:\d+ is unreachable \(fetch failed.*ECONNREFUSED/,
    );
    expect(calls).toBe(3);
  });

  it("Should time out a silent service with a TimeoutError, and retry idempotent calls after it", async () => {
    server = await startTestServer(() => undefined);
    const http = new HttpClient({ baseUrl: server.url, timeoutMs: 100, retry: { ...FAST, attempts: 2 } });
    const error = await caught(http.json({ method: "GET", path: "/slow" }, ok));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as TimeoutError).timeoutMs).toBe(100);
    expect(server.requests).toHaveLength(2);
  });

  it("Should stop at once when the caller aborts, during a request or a backoff, with the signal's reason", async () => {
    server = await startTestServer(() => undefined);
    const http = new HttpClient({
      baseUrl: server.url,
      retry: { attempts: 5, baseDelayMs: 10_000, maxDelayMs: 10_000 },
    });
    const during = new AbortController();
    setTimeout(() => during.abort(new Error("user left")), 50);
    expect(
      await caught(http.json({ method: "GET", path: "/x" }, ok, { signal: during.signal })),
    ).toMatchObject({ message: "user left" });
    await server.close();
    const s = await answering([503, {}]);
    const backoff = new AbortController();
    const started = Date.now();
    setTimeout(() => backoff.abort(), 100);
    const error = await caught(
      new HttpClient({
        baseUrl: s.url,
        retry: { attempts: 5, baseDelayMs: 10_000, maxDelayMs: 10_000 },
      }).json({ method: "GET", path: "/x" }, ok, { signal: backoff.signal }),
    );
    expect((error as Error).name).toBe("AbortError");
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(s.requests).toHaveLength(1);
  });

  it("Should refuse a 2xx body that does not match the schema, or is not JSON, with a ResponseSchemaError", async () => {
    const s = await answering([200, { ok: "yes" }]);
    const error = await caught(
      new HttpClient({ baseUrl: s.url, service: "The marketplace" }).json({ method: "GET", path: "/x" }, ok),
    );
    expect(error).toBeInstanceOf(ResponseSchemaError);
    expect((error as ResponseSchemaError).issues[0]).toMatch(/^ok: /);
    await s.close();
    server = await startTestServer((_req, res) => void res.writeHead(200).end("not json"));
    expect(
      await caught(new HttpClient({ baseUrl: server.url }).json({ method: "GET", path: "/x" }, ok)),
    ).toBeInstanceOf(ResponseSchemaError);
  });

  it("Should accept a 204 for a call without a body", async () => {
    server = await startTestServer((_req, res) => void res.writeHead(204).end());
    await expect(
      new HttpClient({ baseUrl: server.url }).empty({ method: "POST", path: "/logout" }),
    ).resolves.toBeUndefined();
  });
});
