import { arbitraryOf, jsonSchemaOf, routeKey } from "@gpuc/platform/fuzz";
import type { RouteInfo } from "@gpuc/platform/http";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken, newToken } from "./auth/tokens.ts";
import { type FuzzWorld, startFuzzWorld, type Tenants } from "./testing/fuzz-world.ts";

/** Who tries a route that is not theirs, and with what. */
type Attacker = "otherWallet" | "otherScope" | "expired" | "altered";

interface Case {
  /** The path parameters naming the victim's resource. */
  readonly params?: (t: Tenants) => Record<string, string>;
  /** The credential that owns the resource; its wallet is the victim. */
  readonly owner: (t: Tenants) => string;
  /** A credential of the victim's wallet that lacks the route's scope (absent for `any` routes). */
  readonly otherScope?: (t: Tenants) => string;
  /** The other wallet's credential; absent where a route only ever acts on the caller's own things. */
  readonly otherWallet?: (t: Tenants) => string;
  /** A list route: another wallet gets 200 with only its own items, so the check is that none are the victim's. */
  readonly list?: boolean;
  /** A valid body, where the generator cannot make one from the schema (default: generated). */
  readonly body?: (t: Tenants) => unknown;
}

const instance = (t: Tenants) => ({ id: t.consumer.instanceId });
const providerA = (t: Tenants) => ({ providerId: t.providerA.providerId });
const consumerRoute = (params?: Case["params"]): Case => ({
  ...(params ? { params } : {}),
  owner: (t) => t.consumer.token,
  otherScope: (t) => t.consumer.readKey,
  otherWallet: (t) => t.providerB.token,
});
const providerRoute = (params: Case["params"], list = false): Case => ({
  params,
  owner: (t) => t.providerA.apiKey,
  otherScope: (t) => t.consumer.readKey,
  otherWallet: (t) => t.providerB.apiKey,
  list,
});

/** A wallet route that only ever builds the caller's own transaction: no other wallet's thing to reach. */
const ownWalletRoute: Case = { owner: (t) => t.consumer.token, otherScope: (t) => t.consumer.readKey };

/** The same for the provider's own stake. */
const ownStakeRoute: Case = { owner: (t) => t.providerA.token, otherScope: (t) => t.consumer.readKey };

// One case per authenticated route: the coverage test below fails when a route with `auth` has none.
const CASES: Record<string, Case> = {
  "POST /api/v1/auth/logout": { owner: (t) => t.consumer.token },
  "POST /api/v1/api-keys": { owner: (t) => t.consumer.token },
  "GET /api/v1/api-keys": {
    owner: (t) => t.consumer.token,
    otherWallet: (t) => t.providerB.token,
    list: true,
  },
  "DELETE /api/v1/api-keys/{id}": {
    params: (t) => ({ id: t.consumer.spareKeyId }),
    owner: (t) => t.consumer.token,
    otherWallet: (t) => t.providerB.token,
  },
  "POST /api/v1/providers": {
    owner: (t) => t.providerA.token,
    otherScope: (t) => t.consumer.readKey,
    otherWallet: (t) => t.providerB.token,
  },
  "GET /api/v1/providers": { owner: (t) => t.consumer.token, otherScope: (t) => t.providerA.apiKey },
  "PUT /api/v1/providers/{providerId}/listing": {
    ...providerRoute(providerA),
    owner: (t) => t.providerA.token,
    otherWallet: (t) => t.providerB.token,
  },
  "POST /api/v1/instances": consumerRoute(),
  "POST /api/v1/instances/{id}/funding": consumerRoute(instance),
  "GET /api/v1/instances": { ...consumerRoute(), otherScope: (t) => t.providerA.apiKey, list: true },
  "GET /api/v1/instances/stream": {
    ...consumerRoute(),
    otherScope: (t) => t.providerA.apiKey,
    list: true,
  },
  "GET /api/v1/instances/{id}": { ...consumerRoute(instance), otherScope: (t) => t.providerB.apiKey },
  "POST /api/v1/instances/{id}/stop": consumerRoute(instance),
  "POST /api/v1/instances/{id}/extend": consumerRoute(instance),
  "POST /api/v1/instances/{id}/extend/funding": consumerRoute(instance),
  "POST /api/v1/instances/{id}/dispute": consumerRoute(instance),
  "POST /api/v1/instances/{id}/exit": consumerRoute(instance),
  "POST /api/v1/instances/{id}/exit/funding": consumerRoute(instance),
  "POST /api/v1/instances/{id}/resolve": {
    params: instance,
    owner: (t) => t.arbiter.token,
    otherScope: (t) => t.consumer.token,
    otherWallet: (t) => t.providerB.token,
  },
  "POST /api/v1/instances/{id}/credentials": consumerRoute(instance),
  "GET /api/v1/instances/{id}/receipts": {
    ...consumerRoute(instance),
    otherScope: (t) => t.providerB.apiKey,
  },
  "PUT /api/v1/providers/{providerId}/receipt-batches/{txId}": {
    ...providerRoute((t) => ({ ...providerA(t), txId: "ab".repeat(32) })),
    body: (t) => receiptBatchOf(t.consumer.instanceId),
  },
  "POST /api/v1/instances/{id}/events": providerRoute(instance),
  "GET /api/v1/providers/{providerId}/instances": providerRoute(providerA),
  "GET /api/v1/providers/{providerId}/instances/stream": providerRoute(providerA),
  "POST /api/v1/providers/{providerId}/heartbeats": providerRoute(providerA),
  "GET /api/v1/providers/{providerId}/challenges": providerRoute(providerA),
  "POST /api/v1/providers/{providerId}/challenges/{challengeId}/answer": providerRoute((t) => ({
    ...providerA(t),
    challengeId: "4b0c7e2a-9d1f-4c3b-8e5a-6f7d8c9b0a1e",
  })),
  "GET /api/v1/wallet/credit": {
    owner: (t) => t.consumer.token,
    otherScope: (t) => t.providerA.apiKey,
    otherWallet: (t) => t.providerB.token,
  },
  "POST /api/v1/wallet/credit/open": ownWalletRoute,
  "POST /api/v1/wallet/credit/collateral/add": ownWalletRoute,
  "POST /api/v1/wallet/credit/collateral/withdraw": ownWalletRoute,
  "POST /api/v1/wallet/credit/draw": ownWalletRoute,
  "POST /api/v1/wallet/credit/repay": ownWalletRoute,
  "POST /api/v1/wallet/swap": ownWalletRoute,
  "POST /api/v1/transactions": { owner: (t) => t.consumer.token },
  "GET /api/v1/providers/{providerId}/earnings": {
    params: providerA,
    owner: (t) => t.providerA.token,
    otherScope: (t) => t.providerA.apiKey,
    otherWallet: (t) => t.providerB.token,
  },
  "GET /api/v1/wallet/stake": { owner: (t) => t.providerA.token, otherScope: (t) => t.providerA.apiKey },
  "POST /api/v1/wallet/stake/create": ownStakeRoute,
  "POST /api/v1/wallet/stake/top-up": ownStakeRoute,
  "POST /api/v1/wallet/stake/unbond": ownStakeRoute,
  "POST /api/v1/wallet/stake/withdraw": ownStakeRoute,
};

/** A well-formed receipt batch (nested strict schemas with a refinement: the generator rarely makes one). */
function receiptBatchOf(instanceId: string) {
  const receipt = {
    version: 1,
    instanceId,
    escrowBoxId: "cd".repeat(32),
    provider: "3WwXpssaZwcNzaGMv3AgxBdTPJQBt5gCmqBsg3DykQ39bYdhJBsN",
    period: 1,
    periodStart: "2030-01-01T00:00:00.000Z",
    periodEnd: "2030-01-01T01:00:00.000Z",
    seconds: 3600,
    imageDigest: `sha256:${"ef".repeat(32)}`,
    gpus: [],
    gpuUtilization: { meanPct: 0, maxPct: 0 },
    gpuMemory: { meanMiB: 0, maxMiB: 0 },
    exitState: "running",
    issuedAt: "2030-01-01T01:00:00.000Z",
  };
  return {
    txId: "ab".repeat(32),
    root: "cd".repeat(32),
    receipts: [{ receipt, signature: "ab".repeat(56) }],
  };
}

/** A body that passes the route's schema, generated from it, so the refusal tested is not a 400. */
function validBody(route: RouteInfo): unknown {
  if (!route.body) return undefined;
  const schema = route.body;
  const samples = fc.sample(arbitraryOf(jsonSchemaOf(schema)), { numRuns: 500, seed: 3 });
  const valid = samples.find((value) => schema.safeParse(value).success);
  if (valid === undefined) throw new Error(`no valid body generated for ${routeKey(route)}`);
  return valid;
}

function pathOf(route: RouteInfo, params: Record<string, string>): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? "");
}

describe("Cross-tenant access to the marketplace", () => {
  let world: FuzzWorld;
  let t: Tenants;
  let expired: Record<string, string>;
  const authenticated = () => world.routes.filter((route) => route.auth !== undefined);

  beforeAll(async () => {
    world = await startFuzzWorld();
    t = world.tenants;
    expired = {};
    // An expired session of each wallet that owns something: valid once, past its expiry now.
    for (const address of [t.consumer.address, t.providerA.address, t.arbiter.address]) {
      const token = newToken("sess");
      const past = new Date(t.harness.clock.now().getTime() - 60_000);
      await t.harness.db.query(
        "INSERT INTO sessions (token_hash, address, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        [hashToken(token), address, new Date(past.getTime() - 3_600_000), past],
      );
      expired[address] = token;
    }
  });
  afterAll(() => world?.close());

  it("Should have a case for every authenticated route, and none for a route that is gone", () => {
    const keys = authenticated().map(routeKey);
    expect(keys.filter((key) => !(key in CASES))).toEqual([]);
    expect(Object.keys(CASES).filter((key) => !keys.includes(key))).toEqual([]);
  });

  /** Markers of the victim's data: none may appear in what another caller gets. */
  const secretsOf = () => [t.consumer.address, t.providerA.address, t.consumer.spareKeyId];
  const ownerAddress = (token: string) =>
    token === t.arbiter.token
      ? t.arbiter.address
      : [t.providerA.token, t.providerA.apiKey].includes(token)
        ? t.providerA.address
        : t.consumer.address;

  function attempts(c: Case): [Attacker, string][] {
    const owner = c.owner(t);
    const altered = `${owner.slice(0, -4)}${owner.slice(-4) === "AAAA" ? "BBBB" : "AAAA"}`;
    const list: [Attacker, string | undefined][] = [
      ["otherWallet", c.otherWallet?.(t)],
      ["otherScope", c.otherScope?.(t)],
      ["expired", expired[ownerAddress(owner)]],
      ["altered", altered],
    ];
    return list.filter((entry): entry is [Attacker, string] => entry[1] !== undefined);
  }

  it("Should refuse every other wallet, other scope, expired or altered credential, and show none of the victim's data", async () => {
    const failures: string[] = [];
    for (const route of authenticated()) {
      const c = CASES[routeKey(route)]!;
      const path = pathOf(route, c.params?.(t) ?? {});
      const body = c.body?.(t) ?? validBody(route);
      for (const [attacker, token] of attempts(c)) {
        const reply = await t.harness.request(route.method.toUpperCase(), path, {
          token,
          ...(body === undefined ? {} : { body }),
        });
        const text = JSON.stringify(reply.body);
        // The id the caller sent may be echoed back ("… not found"): that tells it nothing it did not know.
        const leaked = secretsOf().filter((secret) => !path.includes(secret) && text.includes(secret));
        const allowed = c.list && attacker === "otherWallet" ? [200] : [401, 403, 404];
        if (!allowed.includes(reply.status) || leaked.length > 0)
          failures.push(`${routeKey(route)} as ${attacker}: ${reply.status} ${text.slice(0, 200)}`);
        if (reply.status >= 400 && !reply.contentType.startsWith("application/problem+json"))
          failures.push(`${routeKey(route)} as ${attacker}: ${reply.status} is not problem+json`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("Should refuse expired and altered credentials with 401 in particular, and other scopes with 403", async () => {
    const reply = (token: string) =>
      t.harness.request("GET", `/api/v1/instances/${t.consumer.instanceId}`, { token });
    expect((await reply(expired[t.consumer.address]!)).status).toBe(401);
    expect((await reply(`${t.consumer.token}x`)).status).toBe(401);
    expect((await reply(t.providerB.token)).status).toBe(404);
    const stop = await t.harness.request("POST", `/api/v1/instances/${t.consumer.instanceId}/stop`, {
      token: t.consumer.readKey,
    });
    expect(stop.status).toBe(403);
  });

  it("Should let each owner through, so the refusals above are about the credential", async () => {
    for (const route of authenticated().filter((r) => r.method === "get")) {
      const c = CASES[routeKey(route)]!;
      const reply = await t.harness.request("GET", pathOf(route, c.params?.(t) ?? {}), { token: c.owner(t) });
      expect([routeKey(route), reply.status]).toEqual([routeKey(route), 200]);
    }
  });
});
