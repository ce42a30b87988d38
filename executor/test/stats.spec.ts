import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createLogger } from "@gpuc/platform";
import { ExecutorClient, ProblemError } from "@gpuc/sdk";
import { createRemoteJWKSet, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/http/app.ts";
import { type Action, CredentialVerifier } from "../src/http/credentials.ts";
import type { AgentHandle, Harness } from "../src/testing/agent-harness.ts";
import { startHarness } from "../src/testing/agent-harness.ts";
import { testRental } from "../src/testing/rentals.ts";

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];

const KID = "marketplace-stats";
const ORIGIN = "https://gpuc.example";
// Busy enough that the CPU delta is above zero, and holding some memory.
const rental = testRental({ hours: 50, cmd: ["sh", "-c", "while true; do :; done"] });

let h: Harness;
let handle: AgentHandle;
let jwks: Server;
let api: Server;
let apiUrl: string;
let marketKey: PrivateKey;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function publishKeys(): Promise<string> {
  const pair = await generateKeyPair("EdDSA", { crv: "Ed25519" });
  marketKey = pair.privateKey;
  const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: KID, alg: "EdDSA", use: "sig" };
  jwks = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [jwk] }));
  });
  return listen(jwks);
}

beforeAll(async () => {
  h = await startHarness("stats");
  const jwksUrl = await publishKeys();
  handle = await h.newAgent({ periodSeconds: 3600 });
  h.marketplace.rentals.set(rental.id, rental);
  await h.tickUntil(handle.agent, async () => (await handle.ledger.get(rental.id))?.state === "Running");
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
    corsOrigin: ORIGIN,
  });
  api = createServer(app);
  apiUrl = await listen(api);
});

afterAll(async () => {
  api?.closeAllConnections();
  await new Promise((resolve) => api?.close(resolve));
  await new Promise((resolve) => jwks?.close(resolve));
  await h?.close();
});

async function credential(instance = rental.id, scope: Action[] = ["logs"]): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ instance, provider: h.providerId, scope })
    .setProtectedHeader({ alg: "EdDSA", kid: KID })
    .setIssuer("gpuc-marketplace")
    .setSubject("3WwXpssaZwcNzaGMv3AgxBdTPJQBt5gCmqBsg3DykQ39bYdhJBsN")
    .setAudience("gpuc-executor")
    .setIssuedAt(now - 60)
    .setExpirationTime(now + 3600)
    .sign(marketKey);
}

const statsOf = async (instanceId: string, token: string) =>
  new ExecutorClient({ baseUrl: apiUrl, auth: token }).stats(instanceId);

describe("GET /instances/{id}/stats", () => {
  it("Should sample a running busybox container's CPU and memory, with no GPUs on a CPU-only rental", async () => {
    const sample = await statsOf(rental.id, await credential());
    expect(sample.memoryBytes).toBeGreaterThan(0);
    // The rental's 64 MB limit, as Docker enforces it.
    expect(sample.memoryLimitBytes).toBe(64 * 1024 * 1024);
    expect(sample.cpuPercent).toBeGreaterThan(0);
    expect(sample.gpus).toEqual([]);
    expect(Math.abs(Date.parse(sample.at) - Date.now())).toBeLessThan(10_000);
  });

  it("Should allow the web origin by CORS", async () => {
    const response = await fetch(`${apiUrl}/instances/${rental.id}/stats`, {
      headers: { authorization: `Bearer ${await credential()}`, origin: ORIGIN },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe(ORIGIN);
  });

  it("Should refuse a missing credential (401), one for another instance or without the scope (403)", async () => {
    const refusal = (token: string) => statsOf(rental.id, token).catch((error: unknown) => error);
    const none = await fetch(`${apiUrl}/instances/${rental.id}/stats`);
    expect(none.status).toBe(401);
    expect(none.headers.get("content-type")).toMatch(/problem\+json/);
    expect(await refusal(await credential(randomUUID()))).toMatchObject({ status: 403 });
    expect(await refusal(await credential(rental.id, ["stop"]))).toMatchObject({ status: 403 });
  });

  it("Should answer 404 for an instance this executor does not run", async () => {
    const unknown = randomUUID();
    const error = await statsOf(unknown, await credential(unknown)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProblemError);
    expect(error).toMatchObject({ status: 404 });
  });
});
