import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createLogger } from "@gpuc/platform";
import type { RouteInfo } from "@gpuc/platform/http";
import { EXECUTOR_ACTIONS } from "@gpuc/sdk";
import { createRemoteJWKSet, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { createApp, executorRoutes } from "../http/app.ts";
import { CredentialVerifier } from "../http/credentials.ts";
import { type Harness, startHarness } from "./agent-harness.ts";
import { testRental } from "./rentals.ts";

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];

/** The executor under fuzz, or under a cross-tenant test: its real app over a running rental. */
export interface ExecutorWorld {
  readonly baseUrl: string;
  readonly routes: readonly RouteInfo[];
  readonly harness: Harness;
  /** The running rentals: `victim` is the one the tests aim at, `other` a second consumer's. */
  readonly victim: string;
  readonly other: string;
  /** What the victim's container prints to its log: a body showing it leaked the victim's data. */
  readonly victimSecret: string;
  readonly samples: (property: string) => readonly string[];
  /** A marketplace credential (EdDSA JWT from the published key set) for the world's provider. */
  credential(claims?: CredentialClaims, key?: "marketplace" | "impostor"): Promise<string>;
  readonly validCredential: (route: RouteInfo) => Promise<string | undefined>;
  close(): Promise<void>;
}

export interface CredentialClaims {
  readonly instance?: string;
  readonly provider?: string;
  readonly sub?: string;
  readonly scope?: readonly string[];
  /** Seconds since the epoch. */
  readonly exp?: number;
  readonly aud?: string;
}

const KID = "marketplace-fuzz";

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The marketplace's key set over real HTTP, as the executor fetches it in production. */
async function startJwks(): Promise<{ url: string; key: PrivateKey; impostor: PrivateKey; server: Server }> {
  const pair = await generateKeyPair("EdDSA", { crv: "Ed25519" });
  const impostor = (await generateKeyPair("EdDSA", { crv: "Ed25519" })).privateKey;
  const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: KID, alg: "EdDSA", use: "sig" };
  const server = createServer((req, res) => {
    if (req.url === "/.well-known/jwks.json")
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [jwk] }));
    else res.writeHead(404).end();
  });
  return { url: await listen(server), key: pair.privateKey, impostor, server };
}

/**
 * Docker, PostgreSQL ledgers, a test marketplace and two running rentals of two consumers; the executor's app
 * checks credentials against a key set served over HTTP.
 */
export async function startExecutorWorld(name = "fuzz"): Promise<ExecutorWorld> {
  const h = await startHarness(name);
  const jwks = await startJwks();
  const handle = await h.newAgent({ periodSeconds: 3600 });
  const victimSecret = `victim-secret-${randomUUID()}`;
  const victim = testRental({ hours: 50, cmd: ["sh", "-c", `echo ${victimSecret}; sleep 3600`] });
  const other = testRental({ hours: 50 });
  for (const rental of [victim, other]) h.marketplace.rentals.set(rental.id, rental);
  await h.tickUntil(handle.agent, async () => {
    const states = await Promise.all(
      [victim, other].map(async (r) => (await handle.ledger.get(r.id))?.state),
    );
    return states.every((state) => state === "Running");
  });
  const deps = {
    agent: handle.agent,
    runtime: h.runtime,
    verifier: new CredentialVerifier({
      keys: createRemoteJWKSet(new URL("/.well-known/jwks.json", jwks.url)),
      providerId: h.providerId,
    }),
    metrics: handle.metrics,
    log: createLogger("executor", { level: "error" }),
    exec: { maxTimeoutSeconds: 2, maxOutputBytes: 65536 },
  };
  const api = createServer(createApp(deps));
  const baseUrl = await listen(api);
  const credential: ExecutorWorld["credential"] = (claims = {}, key = "marketplace") => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      instance: claims.instance ?? victim.id,
      provider: claims.provider ?? h.providerId,
      scope: [...(claims.scope ?? EXECUTOR_ACTIONS)],
    })
      .setProtectedHeader({ alg: "EdDSA", kid: KID })
      .setIssuer("gpuc-marketplace")
      .setSubject(claims.sub ?? "3WwXpssaZwcNzaGMv3AgxBdTPJQBt5gCmqBsg3DykQ39bYdhJBsN")
      .setAudience(claims.aud ?? "gpuc-executor")
      .setIssuedAt(now - 60)
      .setExpirationTime(claims.exp ?? now + 3600)
      .sign(key === "marketplace" ? jwks.key : jwks.impostor);
  };
  const valid = await credential();
  return {
    baseUrl,
    routes: executorRoutes(deps),
    harness: h,
    victim: victim.id,
    other: other.id,
    victimSecret,
    samples: (property) => (property === "id" ? [victim.id] : []),
    credential,
    validCredential: async () => valid,
    async close() {
      api.closeAllConnections();
      await new Promise((resolve) => api.close(resolve));
      await new Promise((resolve) => jwks.server.close(resolve));
      await h.close();
    },
  };
}
