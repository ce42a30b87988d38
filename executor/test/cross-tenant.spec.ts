import { routeKey } from "@gpuc/platform/fuzz";
import type { RouteInfo } from "@gpuc/platform/http";
import { EXECUTOR_ACTIONS } from "@gpuc/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ExecutorWorld, startExecutorWorld } from "../src/testing/fuzz-world.ts";

/** A request to a route aimed at the victim's instance. */
interface Case {
  readonly action: string;
  readonly body?: unknown;
}

// One case per authenticated executor route: the coverage test fails when a route with `auth` has none.
const CASES: Record<string, Case> = {
  "GET /instances/{id}/logs": { action: "logs" },
  "POST /instances/{id}/exec": { action: "exec", body: { cmd: ["cat", "/proc/1/cmdline"] } },
  "GET /instances/{id}/ports": { action: "ports" },
  // The usage sample is a read-only view of the container, under the `logs` scope.
  "GET /instances/{id}/stats": { action: "logs" },
  // The usage receipts too: read-only, under the `logs` scope.
  "GET /instances/{id}/receipts": { action: "logs" },
  "POST /instances/{id}/stop": { action: "stop" },
  "POST /instances/{id}/precheck": { action: "precheck", body: { image: "gpuc/busybox:test", gpuIds: [] } },
};

/** The JWT with one payload claim edited and the signature kept. */
function alterClaim(token: string, claim: string, value: unknown): string {
  const [header, payload, signature] = token.split(".");
  const claims = JSON.parse(Buffer.from(payload!, "base64url").toString("utf8")) as Record<string, unknown>;
  const edited = Buffer.from(JSON.stringify({ ...claims, [claim]: value })).toString("base64url");
  return `${header}.${edited}.${signature}`;
}

describe("Cross-tenant access to the executor", () => {
  let world: ExecutorWorld;
  const authenticated = () => world.routes.filter((route) => route.auth !== undefined);

  beforeAll(async () => {
    world = await startExecutorWorld("cross_tenant");
  });
  afterAll(() => world?.close());

  it("Should have a case for every authenticated route, and none for a route that is gone", () => {
    const keys = authenticated().map(routeKey);
    expect(keys.filter((key) => !(key in CASES))).toEqual([]);
    expect(Object.keys(CASES).filter((key) => !keys.includes(key))).toEqual([]);
  });

  /** Every credential that must not open the victim's instance for `action`, by what is wrong with it. */
  async function attackers(action: string): Promise<[string, string, number][]> {
    const others = EXECUTOR_ACTIONS.filter((a) => a !== action);
    const now = Math.floor(Date.now() / 1000);
    const otherInstance = await world.credential({ instance: world.other });
    return [
      ["another instance (another consumer's rental)", otherInstance, 403],
      ["another provider", await world.credential({ provider: "test-provider-elsewhere" }), 403],
      ["another scope", await world.credential({ scope: others }), 403],
      ["expired", await world.credential({ exp: now - 120 }), 401],
      ["another audience", await world.credential({ aud: "gpuc-marketplace" }), 401],
      ["signed by another key", await world.credential({}, "impostor"), 401],
      ["instance claim edited, signature kept", alterClaim(otherInstance, "instance", world.victim), 401],
      [
        "scope claim edited, signature kept",
        alterClaim(await world.credential({ scope: others }), "scope", [action]),
        401,
      ],
      [
        "expiry claim edited, signature kept",
        alterClaim(await world.credential({ exp: now - 120 }), "exp", now + 3600),
        401,
      ],
    ];
  }

  const call = (route: RouteInfo, c: Case, token: string) =>
    fetch(`${world.baseUrl}${route.path.replace("{id}", world.victim)}`, {
      method: route.method.toUpperCase(),
      headers: {
        authorization: `Bearer ${token}`,
        ...(c.body ? { "content-type": "application/json" } : {}),
      },
      ...(c.body ? { body: JSON.stringify(c.body) } : {}),
    });

  it("Should refuse every credential not for this instance, provider, action and time, revealing nothing of it", async () => {
    const failures: string[] = [];
    for (const route of authenticated()) {
      const c = CASES[routeKey(route)]!;
      for (const [what, token, status] of await attackers(c.action)) {
        const reply = await call(route, c, token);
        const text = await reply.text();
        const type = reply.headers.get("content-type") ?? "";
        if (reply.status !== status || !type.startsWith("application/problem+json"))
          failures.push(`${routeKey(route)} with ${what}: ${reply.status} ${type} ${text.slice(0, 160)}`);
        if (text.includes(world.victimSecret))
          failures.push(`${routeKey(route)} with ${what}: the body shows the victim's log`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("Should let the instance's own credential through, so the refusals above are about the credential", async () => {
    for (const route of authenticated().filter((r) => r.method === "get" || r.path.endsWith("/exec"))) {
      const reply = await call(route, CASES[routeKey(route)]!, await world.credential());
      expect([routeKey(route), reply.status]).toEqual([routeKey(route), 200]);
      // Logs and exec show the victim's secret to its own credential: the leak check above can see it (ports, stats
      // and receipts hold no output of the container).
      if (!/\/(ports|stats|receipts)$/.test(route.path))
        expect(await reply.text()).toContain(world.victimSecret);
    }
  });
});
