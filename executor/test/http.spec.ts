import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createLogger } from "@gpuc/platform";
import { ExecutorClient } from "@gpuc/sdk";
import { createRemoteJWKSet, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, DEFAULT_LOG_TAIL } from "../src/http/app.ts";
import type { Action } from "../src/http/credentials.ts";
import { CredentialVerifier } from "../src/http/credentials.ts";
import type { AgentHandle, Harness } from "../src/testing/agent-harness.ts";
import { startHarness } from "../src/testing/agent-harness.ts";
import { testRental } from "../src/testing/rentals.ts";

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];

let h: Harness;
let handle: AgentHandle;
let jwks: Server;
let api: Server;
let apiUrl: string;
let marketKey: PrivateKey;
let impostorKey: PrivateKey;
const KID = "marketplace-2026-01";
const rental = testRental({
  hours: 50,
  cmd: ["sh", "-c", "echo booted; while true; do echo tick; sleep 0.3; done"],
});
// Writes 20,000 lines at once: docker-modem's recursive demuxer overflowed the stack on such a log.
const chatty = testRental({ hours: 50, cmd: ["sh", "-c", "seq 1 20000; sleep 3600"] });

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  h = await startHarness("http");
  // The marketplace's signing key, published as a real JWKS over HTTP, as the marketplace does.
  const pair = await generateKeyPair("EdDSA", { crv: "Ed25519" });
  marketKey = pair.privateKey;
  impostorKey = (await generateKeyPair("EdDSA", { crv: "Ed25519" })).privateKey;
  const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: KID, alg: "EdDSA", use: "sig" };
  jwks = createServer((req, res) => {
    if (req.url !== "/.well-known/jwks.json") return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [jwk] }));
  });
  const jwksUrl = await listen(jwks);

  handle = await h.newAgent({ periodSeconds: 3600 });
  h.marketplace.rentals.set(rental.id, rental);
  h.marketplace.rentals.set(chatty.id, chatty);
  await h.tickUntil(handle.agent, async () => {
    const states = await Promise.all(
      [rental, chatty].map(async (r) => (await handle.ledger.get(r.id))?.state),
    );
    return states.every((state) => state === "Running");
  });
  const verifier = new CredentialVerifier({
    keys: createRemoteJWKSet(new URL("/.well-known/jwks.json", jwksUrl)),
    providerId: h.providerId,
  });
  const app = createApp({
    agent: handle.agent,
    runtime: h.runtime,
    verifier,
    metrics: handle.metrics,
    log: createLogger("executor.test"),
    exec: { maxTimeoutSeconds: 5, maxOutputBytes: 65536 },
  });
  api = createServer(app);
  apiUrl = await listen(api);
});

afterAll(async () => {
  api?.closeAllConnections();
  await new Promise((resolve) => api?.close(resolve));
  await new Promise((resolve) => jwks?.close(resolve));
  await h.close();
});

async function credential(
  overrides: { instance?: string; provider?: string; scope?: Action[]; exp?: number; aud?: string } = {},
  key: PrivateKey = marketKey,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    instance: overrides.instance ?? rental.id,
    provider: overrides.provider ?? h.providerId,
    scope: overrides.scope ?? ["logs", "exec", "ports", "stop"],
  })
    .setProtectedHeader({ alg: "EdDSA", kid: KID })
    .setIssuer("gpuc-marketplace")
    .setSubject("3WwXpssaZwcNzaGMv3AgxBdTPJQBt5gCmqBsg3DykQ39bYdhJBsN")
    .setAudience(overrides.aud ?? "gpuc-executor")
    .setIssuedAt(now - 60)
    .setExpirationTime(overrides.exp ?? now + 3600)
    .sign(key);
}

const call = (path: string, token: string | undefined, init: RequestInit = {}) =>
  fetch(`${apiUrl}${path}`, {
    ...init,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(init.body ? { "content-type": "application/json" } : {}),
    },
  });

describe("Consumer access with a marketplace credential", () => {
  it("Should return the container's logs, and follow new lines as they come", async () => {
    const token = await credential({ scope: ["logs"] });
    const plain = await call(`/instances/${rental.id}/logs?tail=1000`, token);
    expect(plain.status).toBe(200);
    expect(await plain.text()).toContain("booted");

    const controller = new AbortController();
    const followed = await fetch(`${apiUrl}/instances/${rental.id}/logs?follow=true&tail=0`, {
      headers: { authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    const reader = followed.body!.getReader();
    const { value } = await reader.read();
    controller.abort();
    expect(new TextDecoder().decode(value)).toContain("tick");
  });

  it("Should answer a logs request without tail with the last 10,000 lines of a chatty rental, and keep serving", async () => {
    const token = await credential({ instance: chatty.id, scope: ["logs"] });
    const last = async () => (await call(`/instances/${chatty.id}/logs?tail=1`, token)).text();
    await expect.poll(last, { timeout: 20_000 }).toBe("20000\n");
    const response = await call(`/instances/${chatty.id}/logs`, token);
    expect(response.status).toBe(200);
    const lines = (await response.text()).trimEnd().split("\n");
    expect(lines).toHaveLength(DEFAULT_LOG_TAIL);
    expect(lines[0]).toBe("10001");
    expect(lines.at(-1)).toBe("20000");
    const all = await call(`/instances/${chatty.id}/logs?tail=100000`, token);
    expect((await all.text()).trimEnd().split("\n")).toHaveLength(20_000);
    expect((await fetch(`${apiUrl}/healthz`)).status).toBe(200);
  });

  it("Should refuse a fifth concurrent logs stream of one instance with 429 until one closes", async () => {
    const token = await credential({ scope: ["logs"] });
    const follow = (controller: AbortController) =>
      fetch(`${apiUrl}/instances/${rental.id}/logs?follow=true&tail=0`, {
        headers: { authorization: `Bearer ${token}` },
        signal: controller.signal,
      });
    const controllers = Array.from({ length: 4 }, () => new AbortController());
    try {
      const open = await Promise.all(controllers.map(follow));
      expect(open.map((response) => response.status)).toEqual([200, 200, 200, 200]);
      const refused = await call(`/instances/${rental.id}/logs?tail=1`, token);
      expect(refused.status).toBe(429);
      expect(((await refused.json()) as { detail: string }).detail).toMatch(/close one and retry/);
      controllers[0]!.abort();
      await expect
        .poll(async () => (await call(`/instances/${rental.id}/logs?tail=1`, token)).status, {
          timeout: 5000,
        })
        .toBe(200);
    } finally {
      for (const controller of controllers) controller.abort();
    }
  });

  it("Should run a command in the instance and return its output and exit code", async () => {
    const response = await call(`/instances/${rental.id}/exec`, await credential({ scope: ["exec"] }), {
      method: "POST",
      body: JSON.stringify({ cmd: ["sh", "-c", "echo hello; echo oops >&2; exit 4"] }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      exitCode: 4,
      stdout: "hello\n",
      stderr: "oops\n",
      timedOut: false,
      truncated: false,
    });
  });

  it("Should reject an exec body without a command as a problem", async () => {
    const response = await call(`/instances/${rental.id}/exec`, await credential(), {
      method: "POST",
      body: JSON.stringify({ cmd: [] }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toMatch(/application\/problem\+json/);
  });

  it("Should list no published ports for a rental without ports (it has no network at all)", async () => {
    const response = await call(`/instances/${rental.id}/ports`, await credential({ scope: ["ports"] }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ports: [] });
  });

  it("Should serve Prometheus metrics", async () => {
    // The gauge is refreshed by the agent's tick, which may not have run since the container reached Running.
    const metrics = async () => (await fetch(`${apiUrl}/metrics`)).text();
    await h.tickUntil(handle.agent, async () => /gpuc_executor_containers_running 2/.test(await metrics()));
    const text = await metrics();
    expect(text).toMatch(/gpuc_executor_containers_running 2/);
    expect(text).toMatch(/process_cpu_seconds_total/);
  });
});

describe("Credential refusals", () => {
  async function refusal(path: string, token: string | undefined, init: RequestInit = {}) {
    const response = await call(path, token, init);
    expect(response.headers.get("content-type")).toMatch(/application\/problem\+json/);
    return { status: response.status, body: (await response.json()) as { type: string; detail: string } };
  }
  const logs = `/instances/${rental.id}/logs`;

  it("Should refuse a request without a credential", async () => {
    const { status, body } = await refusal(logs, undefined);
    expect(status).toBe(401);
    expect(body.type).toBe("urn:gpuc:problem:credential-required");
  });

  it("Should refuse an expired credential and say how to get a new one", async () => {
    const { status, body } = await refusal(
      logs,
      await credential({ exp: Math.floor(Date.now() / 1000) - 120 }),
    );
    expect(status).toBe(401);
    expect(body.type).toBe("urn:gpuc:problem:credential-expired");
    expect(body.detail).toMatch(/top up/);
  });

  it("Should refuse a credential for another instance", async () => {
    const { status, body } = await refusal(logs, await credential({ instance: randomUUID() }));
    expect(status).toBe(403);
    expect(body.type).toBe("urn:gpuc:problem:credential-for-another-instance");
  });

  it("Should refuse a credential without the action in its scope", async () => {
    const { status, body } = await refusal(
      `/instances/${rental.id}/stop`,
      await credential({ scope: ["logs"] }),
      {
        method: "POST",
      },
    );
    expect(status).toBe(403);
    expect(body.detail).toMatch(/not "stop"/);
    expect((await handle.ledger.get(rental.id))?.state).toBe("Running");
  });

  it("Should refuse a credential signed by another key under the marketplace's key id", async () => {
    const { status, body } = await refusal(logs, await credential({}, impostorKey));
    expect(status).toBe(401);
    expect(body.type).toBe("urn:gpuc:problem:credential-invalid");
  });

  it("Should refuse a credential for another audience or provider", async () => {
    expect((await refusal(logs, await credential({ aud: "gpuc-marketplace" }))).status).toBe(401);
    expect((await refusal(logs, await credential({ provider: "someone-else" }))).status).toBe(403);
  });
});

describe("The marketplace's pre-check, before the consumer pays", () => {
  const fresh = randomUUID();
  const precheck = async (body: object, scope: Action[] = ["precheck"]) => {
    const response = await call(
      `/instances/${fresh}/precheck`,
      await credential({ instance: fresh, scope }),
      {
        method: "POST",
        body: JSON.stringify(body),
      },
    );
    return { status: response.status, body: (await response.json()) as { type?: string; reason?: string } };
  };

  it("Should accept a rental of a local image on free resources", async () => {
    expect(await precheck({ image: rental.image, gpuIds: [], ports: [8080] })).toEqual({
      status: 200,
      body: { ok: true },
    });
  });

  it("Should refuse an image from a registry this executor does not allow, saying which", async () => {
    const { status, body } = await precheck({ image: "10.0.0.5:5000/miner:latest", gpuIds: [] });
    expect(status).toBe(422);
    expect(body.type).toBe("urn:gpuc:problem:rental-refused");
    expect(body.reason).toMatch(/10\.0\.0\.5:5000/);
  });

  it("Should refuse an image that is neither here nor pullable, with Docker's reason", async () => {
    const { status, body } = await precheck({ image: "gpuc/nope:latest", gpuIds: [] });
    expect(status).toBe(422);
    expect(body.reason).toMatch(/gpuc\/nope:latest is not on this executor and cannot be pulled/);
  });

  // Found by the API fuzz: Docker's 400 for a name it cannot parse became a 500.
  it("Should refuse an image name Docker cannot parse, saying so, as a 422", async () => {
    // `/x`, `..` and `http://x/y` made Docker answer a 301 whose redirect crashed the whole executor.
    for (const image of [
      ".i;<eoI",
      "6/:`;!N>cB[",
      "Gpuc/Busybox:test",
      "/x",
      "..",
      "http://x/y",
      "%2F",
      "a b",
    ]) {
      const { status, body } = await precheck({ image, gpuIds: [] });
      expect(status).toBe(422);
      expect(body.reason).toContain(`Image ${image} is not a valid image reference`);
    }
  });

  it("Should refuse GPUs this machine does not have", async () => {
    const { status, body } = await precheck({ image: rental.image, gpuIds: ["GPU-not-here"] });
    expect(status).toBe(422);
    expect(body.reason).toBe("GPUs GPU-not-here are not on this executor");
  });

  it("Should answer only the marketplace's precheck credential, not a consumer's", async () => {
    const { status, body } = await precheck({ image: rental.image, gpuIds: [] }, [
      "logs",
      "exec",
      "ports",
      "stop",
    ]);
    expect(status).toBe(403);
    expect(body.type).toBe("urn:gpuc:problem:credential-lacks-scope");
  });

  it("Should refuse a malformed request as a 400 problem", async () => {
    expect((await precheck({ image: "", gpuIds: [] })).status).toBe(400);
  });
});

describe("Consumer stop", () => {
  it("Should stop the instance and settle it", async () => {
    const response = await call(`/instances/${rental.id}/stop`, await credential({ scope: ["stop"] }), {
      method: "POST",
    });
    expect(response.status).toBe(202);
    await h.tickUntil(handle.agent, async () => (await handle.ledger.get(rental.id))?.state === "Completed");
    expect((await handle.ledger.get(rental.id))?.stopReason).toBe("user_stopped");
    const again = await call(`/instances/${rental.id}/stop`, await credential({ scope: ["stop"] }), {
      method: "POST",
    });
    expect(again.status).toBe(409);
  });
});

describe("ExecutorClient (@gpuc/sdk) against the executor", () => {
  it("Should read and follow logs line by line, exec, list ports, refuse as ProblemError, and stop", async () => {
    const executor = new ExecutorClient({ baseUrl: apiUrl, auth: await credential({ instance: chatty.id }) });
    expect(await executor.health()).toEqual({ status: "ok" });
    expect(await (await executor.logs(chatty.id, { tail: 3 })).text()).toBe("19998\n19999\n20000\n");
    const lines: string[] = [];
    for await (const line of await executor.logs(chatty.id, { follow: true, tail: 2 })) {
      lines.push(line);
      if (lines.length === 2) break;
    }
    expect(lines).toEqual(["19999", "20000"]);
    expect(await executor.exec(chatty.id, { cmd: ["sh", "-c", "echo hi"] })).toMatchObject({
      exitCode: 0,
      stdout: "hi\n",
    });
    expect(await executor.ports(chatty.id)).toEqual({ ports: [] });
    const logsOnly = await credential({ instance: chatty.id, scope: ["logs"] });
    await expect(
      new ExecutorClient({ baseUrl: apiUrl, auth: logsOnly }).stop(chatty.id),
    ).rejects.toMatchObject({
      name: "ProblemError",
      status: 403,
      type: "urn:gpuc:problem:credential-lacks-scope",
    });
    expect(await executor.stop(chatty.id)).toEqual({ state: "Stopping" });
    await h.tickUntil(handle.agent, async () => (await handle.ledger.get(chatty.id))?.state === "Completed");
  });
});
