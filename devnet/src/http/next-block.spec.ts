import { createTestDatabase, type TestDatabase } from "@gpuc/platform/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Devnet } from "../devnet.ts";

/** `GET /devnet/blocks/next`: the long-poll a chain follower waits on instead of polling the height. */
describe("Devnet next-block long-poll", () => {
  let database: TestDatabase;
  let devnet: Devnet;

  const next = async (query: string) => {
    const started = Date.now();
    const response = await fetch(`${devnet.url}/devnet/blocks/next?${query}`);
    return { status: response.status, body: (await response.json()) as unknown, ms: Date.now() - started };
  };

  beforeAll(async () => {
    database = await createTestDatabase("devnet_next_block");
    devnet = await Devnet.start({ databaseUrl: database.url, blockMs: 0, port: 0 });
  });
  afterAll(async () => {
    await devnet.stop();
    await database.drop();
  });

  it("Should answer at once when the tip is not at `above`", async () => {
    const height = devnet.height;
    expect(await next(`above=${height - 1}&timeoutMs=5000`)).toMatchObject({ status: 200, body: { height } });
  });

  it("Should hold the request until the next block is mined, and answer its height", async () => {
    const height = devnet.height;
    const waiting = next(`above=${height}&timeoutMs=10000`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await devnet.mine();
    const answer = await waiting;
    expect(answer).toMatchObject({ status: 200, body: { height: height + 1 } });
    expect(answer.ms).toBeGreaterThanOrEqual(250);
    expect(answer.ms).toBeLessThan(5_000);
  });

  it("Should answer a rollback too (the tip moved down)", async () => {
    await devnet.mine();
    const height = devnet.height;
    const waiting = next(`above=${height}&timeoutMs=10000`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await devnet.rollback(1);
    expect(await waiting).toMatchObject({ status: 200, body: { height: height - 1 } });
  });

  it("Should answer the unchanged height once timeoutMs passes without a block", async () => {
    const height = devnet.height;
    const answer = await next(`above=${height}&timeoutMs=300`);
    expect(answer).toMatchObject({ status: 200, body: { height } });
    expect(answer.ms).toBeGreaterThanOrEqual(290);
  });

  it("Should refuse a missing height or a wait above a minute with 400", async () => {
    expect((await next("timeoutMs=100")).status).toBe(400);
    expect((await next("above=1&timeoutMs=600000")).status).toBe(400);
    expect((await next("above=-1")).status).toBe(400);
  });

  it("Should carry on serving and mining after a waiting client disconnects", async () => {
    const aborted = new AbortController();
    const waiting = fetch(`${devnet.url}/devnet/blocks/next?above=${devnet.height}&timeoutMs=10000`, {
      signal: aborted.signal,
    }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 100));
    aborted.abort();
    expect(await waiting).toBeInstanceOf(Error);
    // A block mined after the client left is mined as usual.
    const height = devnet.height;
    await devnet.mine();
    expect(devnet.height).toBe(height + 1);
  });
});
