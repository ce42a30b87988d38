import { randomUUID } from "node:crypto";
import { MarketplaceClient, type ProviderRentalEvent } from "@gpuc/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerProvider } from "../testing/fixtures.ts";
import { type Harness, problemOf, startHarness } from "../testing/harness.ts";

/** A provider's rental stream read through the sdk client with the executor's API key, collecting its events. */
function watch(baseUrl: string, apiKey: string, providerId: string) {
  const controller = new AbortController();
  const client = new MarketplaceClient({ baseUrl, auth: apiKey });
  const seen: ProviderRentalEvent[] = [];
  const loop = (async () => {
    try {
      for await (const event of client.providerRentalStream(providerId, { signal: controller.signal }))
        seen.push(event);
    } catch (error) {
      if (!controller.signal.aborted) throw error;
    }
  })();
  return {
    seen,
    /** How long until an event (from index `from` on) matches. */
    async until(match: (event: ProviderRentalEvent) => boolean, from = 0, timeoutMs = 3_000) {
      const started = Date.now();
      while (Date.now() - started < timeoutMs) {
        if (seen.slice(from).some(match)) return Date.now() - started;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      throw new Error(`no matching event within ${timeoutMs} ms; saw ${JSON.stringify(seen)}`);
    },
    async close() {
      controller.abort();
      await loop;
    },
  };
}

describe("The provider rental stream on PostgreSQL", () => {
  let h: Harness;
  let mine: { providerId: string; apiKey: string; gpuId: string };
  let other: { providerId: string; apiKey: string; gpuId: string };

  async function rig() {
    const { provider, apiKey } = await registerProvider(h);
    const [gpu] = await h.db.query<{ id: string }>("SELECT id FROM gpus WHERE provider_id = $1 LIMIT 1", [
      provider.id,
    ]);
    return { providerId: provider.id, apiKey, gpuId: gpu!.id };
  }

  beforeAll(async () => {
    h = await startHarness({}, { streams: { keepaliveMs: 50, retryMs: 250 } });
    mine = await rig();
    other = await rig();
  });
  afterAll(() => h?.close());

  /** A rental of the provider awaiting funding, written as the rent route writes it. */
  async function rental(on: { providerId: string; gpuId: string }): Promise<string> {
    const id = randomUUID();
    const consumer = await h.signIn();
    await h.services.instancesRepo.insert(
      {
        id,
        consumer_address: consumer.wallet.address,
        provider_id: on.providerId,
        gpu_id: on.gpuId,
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

  it("Should start with a sync, then push each change of the provider's rentals (as another process writes them) within a few hundred ms, and no other provider's", async () => {
    const stream = watch(h.url, mine.apiKey, mine.providerId);
    const otherStream = watch(h.url, other.apiKey, other.providerId);
    await stream.until((event) => event.type === "sync");
    await otherStream.until((event) => event.type === "sync");
    const id = await rental(mine);
    expect(await stream.until((e) => e.type === "changed" && e.instanceId === id)).toBeLessThan(300);
    // The indexer marks it Funded: a plain UPDATE on another connection, as another process would.
    const from = stream.seen.length;
    await h.db.query("UPDATE instances SET state = 'Funded' WHERE id = $1", [id]);
    const funded = (e: ProviderRentalEvent) =>
      e.type === "changed" && e.instanceId === id && e.state === "Funded";
    expect(await stream.until(funded, from)).toBeLessThan(300);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(otherStream.seen).toEqual([{ type: "sync" }]);
    await Promise.all([stream.close(), otherStream.close()]);
  });

  it("Should refuse the stream to anyone but the provider's owner with a 404 problem, and to a caller signed out with 401", async () => {
    const path = `/api/v1/providers/${mine.providerId}/instances/stream`;
    const consumer = await h.signIn();
    problemOf(await h.request("GET", path, { token: other.apiKey }), 404);
    problemOf(await h.request("GET", path, { token: consumer.token }), 404);
    problemOf(await h.request("GET", path), 401);
  });

  it("Should send a sync after losing its LISTEN connection, as changes may have been missed meanwhile", async () => {
    const stream = watch(h.url, mine.apiKey, mine.providerId);
    await stream.until((event) => event.type === "sync");
    const from = stream.seen.length;
    await h.db.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN gpuc_instances%' AND pid <> pg_backend_pid()",
    );
    await stream.until((event) => event.type === "sync", from);
    const id = await rental(mine);
    await stream.until((e) => e.type === "changed" && e.instanceId === id, from);
    await stream.close();
  });
});
