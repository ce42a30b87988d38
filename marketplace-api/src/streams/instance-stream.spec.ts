import { randomUUID } from "node:crypto";
import { type Instance, MarketplaceClient, readServerSentEvents } from "@gpuc/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerProvider } from "../testing/fixtures.ts";
import { type Followups, startFollowups } from "../testing/followups.ts";
import { type Harness, problemOf, startHarness } from "../testing/harness.ts";

/** A stream read through the sdk client, collecting what it yields. */
function watch(baseUrl: string, token: string, query: { id?: string } = {}, lastEventId?: string) {
  const controller = new AbortController();
  const client = new MarketplaceClient({ baseUrl, auth: token });
  const seen: Instance[] = [];
  const loop = (async () => {
    try {
      for await (const instance of client.instanceStream(query, { signal: controller.signal, lastEventId }))
        seen.push(instance);
    } catch (error) {
      if (!controller.signal.aborted) throw error;
    }
  })();
  return {
    seen,
    /** The first instance yielded (from the index `from` on) that matches, and how long it took to come. */
    async until(match: (instance: Instance) => boolean, from = 0, timeoutMs = 3_000) {
      const started = Date.now();
      while (Date.now() - started < timeoutMs) {
        const found = seen.slice(from).find(match);
        if (found) return { instance: found, ms: Date.now() - started };
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      throw new Error(`no matching instance within ${timeoutMs} ms; saw ${JSON.stringify(seen)}`);
    },
    async close() {
      controller.abort();
      await loop;
    },
  };
}

describe("The instance stream on PostgreSQL", () => {
  let h: Harness;
  let gpuId: string;
  let providerId: string;
  let alice: { address: string; token: string };
  let bob: { address: string; token: string };

  beforeAll(async () => {
    h = await startHarness({}, { streams: { keepaliveMs: 50, retryMs: 250 } });
    const rig = await registerProvider(h);
    providerId = rig.provider.id;
    [{ id: gpuId }] = (await h.db.query<{ id: string }>(
      "SELECT id FROM gpus WHERE provider_id = $1 LIMIT 1",
      [providerId],
    )) as [{ id: string }];
    const a = await h.signIn();
    const b = await h.signIn();
    alice = { address: a.wallet.address, token: a.token };
    bob = { address: b.wallet.address, token: b.token };
  });
  afterAll(() => h?.close());

  /** Connections of this database whose last statement was our LISTEN (so still listening). */
  async function listeningConnections(): Promise<number> {
    const [row] = await h.db.query<{ count: bigint }>(
      "SELECT COUNT(*) AS count FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN gpuc_instances'",
    );
    return Number(row?.count ?? 0n);
  }

  /** A rental awaiting funding, written as the rent route writes it. */
  async function rental(consumer: string): Promise<string> {
    const id = randomUUID();
    await h.services.instancesRepo.insert(
      {
        id,
        consumer_address: consumer,
        provider_id: providerId,
        gpu_id: gpuId,
        image: "gpuc/busybox:test",
        cmd: null,
        env: null,
        ports: null,
        hours: 1,
        price_per_hour: 1_000_000n,
        amount: 1_000_000n,
      },
      h.clock.now(),
    );
    return id;
  }

  it("Should send the current state on connect, then a change made through the API within a few hundred ms", async () => {
    const id = await rental(alice.address);
    const stream = watch(h.url, alice.token, { id });
    expect((await stream.until((i) => i.id === id)).instance.state).toBe("Created");
    expect(await listeningConnections()).toBe(1);
    const stop = await h.request("POST", `/api/v1/instances/${id}/stop`, { token: alice.token });
    expect(stop.status).toBe(200);
    const { instance, ms } = await stream.until((i) => i.state === "Failed", 1);
    expect(instance).toMatchObject({ id, closeReason: "user_stopped" });
    expect(ms).toBeLessThan(300);
    await stream.close();
    // The last stream gone, the marketplace stops listening and gives the connection back to the pool.
    await expect.poll(() => listeningConnections(), { timeout: 2_000 }).toBe(0);
  });

  it("Should carry a change written straight to the database (as another process would) to every stream of its consumer, and no other's", async () => {
    const mine = await rental(alice.address);
    const theirs = await rental(bob.address);
    const aliceStream = watch(h.url, alice.token);
    const bobStream = watch(h.url, bob.token);
    await aliceStream.until((i) => i.id === mine);
    await bobStream.until((i) => i.id === theirs);

    // Another process (an indexer, a second API replica) shares only the database: a plain UPDATE on another pool connection.
    await h.db.query("UPDATE instances SET hours = 5 WHERE id = ANY($1)", [[mine, theirs]]);
    expect((await aliceStream.until((i) => i.id === mine && i.hours === 5)).ms).toBeLessThan(300);
    await bobStream.until((i) => i.id === theirs && i.hours === 5);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(aliceStream.seen.map((i) => i.consumerAddress)).not.toContain(bob.address);
    expect(bobStream.seen.map((i) => i.consumerAddress)).not.toContain(alice.address);
    await Promise.all([aliceStream.close(), bobStream.close()]);
  });

  it("Should refuse to stream another consumer's instance with a 404 problem, before anything is streamed", async () => {
    const theirs = await rental(bob.address);
    const reply = await h.request("GET", `/api/v1/instances/stream?id=${theirs}`, { token: alice.token });
    expect(problemOf(reply, 404).detail).toContain(theirs);
    problemOf(await h.request("GET", "/api/v1/instances/stream"), 401);
  });

  it("Should write server-sent events: retry first, revision ids, keepalive comments", async () => {
    const id = await rental(alice.address);
    const response = await fetch(`${h.url}/api/v1/instances/stream?id=${id}`, {
      headers: { authorization: `Bearer ${alice.token}` },
    });
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    let text = "";
    while (!text.includes(": keepalive")) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(text).toMatch(/^retry: 250\n\n/);
    expect(text).toMatch(/event: instance\nid: \d+\ndata: \{.*"state":"Created".*\}\n\n/);
    // The same bytes through the sdk's reader: one instance event, its id the revision.
    const events = [];
    for await (const event of readServerSentEvents(new Response(text).body!)) events.push(event);
    expect(events).toEqual([
      { event: "instance", id: expect.stringMatching(/^\d+$/), data: expect.any(String) },
    ]);
  });

  it("Should survive losing its LISTEN connection: it listens again and sends what changed meanwhile", async () => {
    const id = await rental(alice.address);
    const stream = watch(h.url, alice.token, { id });
    await stream.until((i) => i.id === id);
    // The server drops the listening connection (a failover, an admin's kill); a change lands before it is back.
    await h.db.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN gpuc_instances%' AND pid <> pg_backend_pid()",
    );
    await h.db.query("UPDATE instances SET hours = 7 WHERE id = $1", [id]);
    expect((await stream.until((i) => i.hours === 7, 1)).instance.id).toBe(id);
    // And it hears changes again afterwards.
    await h.db.query("UPDATE instances SET hours = 8 WHERE id = $1", [id]);
    expect((await stream.until((i) => i.hours === 8, 1, 1_000)).ms).toBeLessThan(300);
    await stream.close();
  });

  it("Should send a resumed stream (Last-Event-ID) the instances that ended while it was away", async () => {
    const id = await rental(alice.address);
    const first = watch(h.url, alice.token);
    await first.until((i) => i.id === id);
    await first.close();
    const [{ revision }] = (await h.db.query<{ revision: bigint }>(
      "SELECT MAX(revision) AS revision FROM instances",
    )) as [{ revision: bigint }];
    await h.request("POST", `/api/v1/instances/${id}/stop`, { token: alice.token });

    const fresh = watch(h.url, alice.token);
    const resumed = watch(h.url, alice.token, {}, revision.toString());
    expect((await resumed.until((i) => i.id === id)).instance.state).toBe("Failed");
    await new Promise((resolve) => setTimeout(resolve, 150));
    // Without Last-Event-ID a stream starts from the instances not ended: this one is not among them.
    expect(fresh.seen.map((i) => i.id)).not.toContain(id);
    await Promise.all([fresh.close(), resumed.close()]);
  });
});

describe("The instance stream on the devnet", () => {
  let f: Followups;
  beforeAll(async () => {
    f = await startFollowups();
  });
  afterAll(() => f?.close());

  it("Should stream a rental Created → Funded (the indexer's write) → Starting → Running (the executor's reports)", async () => {
    const rig = await f.newProvider();
    const stream = watch(f.h.url, f.consumerToken);
    const funded = await f.rentAndFund(rig, 2);
    await stream.until((i) => i.id === funded.id && i.state === "Funded" && i.escrowBoxId !== null);
    for (const state of ["Starting", "Running"] as const) {
      expect((await f.report(rig, funded.id, { state })).status).toBe(200);
      expect((await stream.until((i) => i.id === funded.id && i.state === state)).ms).toBeLessThan(300);
    }
    // Each write is an event (the escrow tx id recorded is one while Created): the states, repeats folded.
    const states = stream.seen.filter((i) => i.id === funded.id).map((i) => i.state);
    expect(states.filter((state, n) => state !== states[n - 1])).toEqual([
      "Created",
      "Funded",
      "Starting",
      "Running",
    ]);
    await stream.close();
  });
});
