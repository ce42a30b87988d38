import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createLogger } from "@gpuc/platform";
import { createRemoteJWKSet } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { corsOriginOf, loadExecutorConfig } from "../src/config.ts";
import { createApp } from "../src/http/app.ts";

import { CredentialVerifier } from "../src/http/credentials.ts";
import type { Harness } from "../src/testing/agent-harness.ts";
import { HARNESS_PROVIDER_SECRET, startHarness } from "../src/testing/agent-harness.ts";

const APP = "http://app.gpuc.test:8080";

// The web app reads a rental's logs straight from the executor with the credential in Authorization: the
// executor answers CORS for the app's origin only.
describe("Executor CORS for the web app's origin", () => {
  let h: Harness;
  let api: Server;
  let url: string;
  beforeAll(async () => {
    h = await startHarness("cors");
    const handle = await h.newAgent({ periodSeconds: 3600 });
    const app = createApp({
      agent: handle.agent,
      runtime: h.runtime,
      // Never asked: these requests carry no credential the verifier would need keys for.
      verifier: new CredentialVerifier({
        keys: createRemoteJWKSet(new URL("http://127.0.0.1:9/.well-known/jwks.json")),
        providerId: h.providerId,
      }),
      metrics: handle.metrics,
      log: createLogger("executor.test", { level: "error" }),
      exec: { maxTimeoutSeconds: 5, maxOutputBytes: 65536 },
      corsOrigin: APP,
    });
    api = createServer(app);
    await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => api?.close(resolve));
    await h?.close();
  });

  const preflight = (path: string, origin: string, method = "GET") =>
    fetch(`${url}${path}`, {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": method,
        "access-control-request-headers": "authorization",
      },
    });

  it("Should allow the app's preflight of logs, ports and stop with an Authorization header", async () => {
    for (const [path, method] of [
      ["/instances/abc/logs", "GET"],
      ["/instances/abc/ports", "GET"],
      ["/instances/abc/stop", "POST"],
    ] as const) {
      const reply = await preflight(path, APP, method);
      expect(reply.status, path).toBe(204);
      expect(reply.headers.get("access-control-allow-origin")).toBe(APP);
      expect(reply.headers.get("access-control-allow-methods")).toContain(method);
      expect(reply.headers.get("access-control-allow-headers")).toContain("authorization");
      expect(reply.headers.get("vary")).toMatch(/origin/i);
    }
  });

  it("Should let the app read a refusal (problem+json) of a call from its origin", async () => {
    const reply = await fetch(`${url}/instances/abc/logs`, { headers: { origin: APP } });
    expect(reply.status).toBe(401);
    expect(reply.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(reply.headers.get("access-control-allow-origin")).toBe(APP);
    expect(reply.headers.get("access-control-expose-headers")).toContain("x-request-id");
  });

  it("Should give any other origin no CORS headers, and none on the routes the app does not call", async () => {
    for (const origin of ["http://evil.test", "http://app.gpuc.test:8081", "null"]) {
      const pre = await preflight("/instances/abc/logs", origin);
      expect(pre.headers.get("access-control-allow-origin"), origin).toBeNull();
      const get = await fetch(`${url}/instances/abc/logs`, { headers: { origin } });
      expect(get.headers.get("access-control-allow-origin"), origin).toBeNull();
    }
    const precheck = await preflight("/instances/abc/precheck", APP, "POST");
    expect(precheck.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("EXECUTOR_CORS_ORIGIN", () => {
  const env = {
    GPUC_API_KEY: "gpuc_test",
    GPUC_PROVIDER_SECRET_KEY: HARNESS_PROVIDER_SECRET,
    GPUC_PROVIDER_ID: "8b2a3c8e-1f6d-4f5e-9a3b-2c1d0e9f8a7b",
  };

  it("Should default to the marketplace's origin, take one origin, and turn off with empty or none", () => {
    expect(loadExecutorConfig({ ...env, GPUC_MARKETPLACE_URL: "https://gpuc.example/api/" }).corsOrigin).toBe(
      "https://gpuc.example",
    );
    expect(
      loadExecutorConfig({ ...env, EXECUTOR_CORS_ORIGIN: "https://app.example:8443/x" }).corsOrigin,
    ).toBe("https://app.example:8443");
    expect(corsOriginOf("none", "http://127.0.0.1:8080")).toBeUndefined();
    expect(corsOriginOf("", "http://127.0.0.1:8080")).toBeUndefined();
    expect(() => loadExecutorConfig({ ...env, EXECUTOR_CORS_ORIGIN: "not a url" })).toThrow(
      /EXECUTOR_CORS_ORIGIN/,
    );
  });
});
