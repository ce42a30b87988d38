import type { AddressInfo } from "node:net";
import { createLogger, createPool, Database } from "@gpuc/platform";
import { createTestDatabase, type TestDatabase } from "@gpuc/platform/testing";
import { challengeResponse, sessionResponse } from "@gpuc/sdk";
import { z } from "zod";
import { createApp } from "../app.ts";
import { ManualClock } from "../core/clock.ts";
import { defaultConfig, type MarketplaceConfig } from "../core/config.ts";
import { migrateMarketplace } from "../core/database.ts";
import { createServices, type MarketplaceDeps, type Services } from "../services.ts";
import { FIXTURE_DEPLOYMENT } from "./deployment.ts";
import { ScriptedPrecheck } from "./precheck.ts";
import { TestWallet } from "./wallet.ts";

export interface Harness {
  readonly url: string;
  readonly services: Services;
  readonly clock: ManualClock;
  readonly db: Database;
  /** What the providers' executors answer the marketplace's rental pre-check (unless `deps.precheck` is given). */
  readonly precheck: ScriptedPrecheck;
  /** `fetch` against the app with JSON in and out. */
  request(
    method: string,
    path: string,
    options?: { body?: unknown; token?: string; raw?: string },
  ): Promise<Reply>;
  /** A fresh wallet signed in through the real challenge/verify flow. */
  signIn(wallet?: TestWallet): Promise<{ wallet: TestWallet; token: string }>;
  close(): Promise<void>;
}

export interface Reply {
  status: number;
  contentType: string;
  body: unknown;
}

const problemShape = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.number(),
  detail: z.string(),
});

async function firstChunk(response: Response): Promise<string> {
  const reader = response.body!.getReader();
  const { value } = await reader.read();
  await reader.cancel();
  return new TextDecoder().decode(value);
}

/** The reply's body parsed with the route's response schema, after checking the status. */
export function ok<T extends z.ZodType>(reply: Reply, schema: T, status = 200): z.output<T> {
  if (reply.status !== status)
    throw new Error(`expected ${status}, got ${reply.status}: ${JSON.stringify(reply.body)}`);
  return schema.parse(reply.body);
}

/** The problem+json body of a failed reply, after checking the status and content type. */
export function problemOf(reply: Reply, status: number): z.output<typeof problemShape> {
  if (reply.status !== status)
    throw new Error(`expected ${status}, got ${reply.status}: ${JSON.stringify(reply.body)}`);
  if (!reply.contentType.startsWith("application/problem+json"))
    throw new Error(`not problem+json: ${reply.contentType}`);
  return problemShape.parse(reply.body);
}

/**
 * The real marketplace for one test file: a fresh migrated database on the test PostgreSQL server, the app
 * on an ephemeral port, a manual clock.
 */
export async function startHarness(
  overrides: Partial<MarketplaceConfig> = {},
  deps: Partial<MarketplaceDeps> = {},
): Promise<Harness> {
  const testDb: TestDatabase = await createTestDatabase("marketplace");
  const db = new Database(createPool(testDb.url, { max: 5 }));
  await migrateMarketplace(db);
  const clock = new ManualClock(new Date("2030-01-01T00:00:00Z"));
  const precheck = new ScriptedPrecheck();
  const services = createServices({
    db,
    // A test file signs many wallets in from 127.0.0.1: the sign-in rate limit is its own test's business.
    config: defaultConfig({ authRateLimit: { limit: 1_000_000, windowS: 60 }, ...overrides }),
    clock,
    log: createLogger("marketplace-api", { level: "error" }),
    deployment: FIXTURE_DEPLOYMENT,
    precheck,
    ...deps,
  });
  const server = createApp(services).listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const request: Harness["request"] = async (method, path, options = {}) => {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${url}${path}`, { method, headers, body });
    const contentType = response.headers.get("content-type") ?? "";
    // A live stream never ends: its first chunk is the reply (the route-wide specs only judge the status).
    const text = contentType.startsWith("text/event-stream")
      ? await firstChunk(response)
      : await response.text();
    const parsed: unknown = text && contentType.includes("json") ? JSON.parse(text) : text;
    return { status: response.status, contentType, body: parsed };
  };

  return {
    url,
    services,
    clock,
    db,
    precheck,
    request,
    async signIn(wallet = new TestWallet()) {
      const reply = await request("POST", "/api/v1/auth/challenge", { body: { address: wallet.address } });
      const challenge = ok(reply, challengeResponse, 201);
      const verified = await request("POST", "/api/v1/auth/verify", {
        body: { address: wallet.address, nonce: challenge.nonce, proof: wallet.sign(challenge.message) },
      });
      return { wallet, token: ok(verified, sessionResponse).token };
    },
    async close() {
      // An open instance stream would keep the server from closing.
      await services.instanceStreams.shutdown();
      await new Promise((resolve) => server.close(resolve));
      await db.close();
      await testDb.drop();
    },
  };
}
