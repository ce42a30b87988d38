import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../src/testing/agent-harness.ts";
import { testRental } from "../src/testing/rentals.ts";

// The marketplace pushes "a rental of yours changed" (GET /api/v1/providers/{id}/instances/stream); the agent takes
// the rental on at once instead of at its next poll (issue 17: a rental runs within a second of its escrow
// confirming). The poll stays as the fallback.

const HOUR_MS = 3_600_000;

let h: Harness;

beforeAll(async () => {
  h = await startHarness("rental_push");
});
afterAll(() => h?.close());

async function until(done: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<number> {
  const started = Date.now();
  while (!(await done())) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Date.now() - started;
}

describe("The executor's rental push", () => {
  it("Should take on and start a pushed rental without waiting for its poll or its tick", async () => {
    // Neither the poll nor the tick comes round again within the test: only the push can bring the rental in.
    const { agent, ledger } = await h.newAgent({ pollMs: HOUR_MS, tickMs: HOUR_MS });
    await agent.start();
    await until(() => h.marketplace.streams.size === 1);
    const rental = testRental();
    h.marketplace.rentals.set(rental.id, rental);
    h.marketplace.pushRental(rental.id);
    const takenOnMs = await until(async () => (await ledger.get(rental.id)) !== undefined);
    await until(async () => (await ledger.get(rental.id))?.state === "Running");
    expect(takenOnMs).toBeLessThan(1_000);
    await agent.requestStop(rental.id, "user_stopped");
    await agent.shutdown();
  });

  it("Should report Starting and Running to the marketplace as soon as the container runs, not at the next tick", async () => {
    const { agent, ledger } = await h.newAgent({ pollMs: HOUR_MS, tickMs: HOUR_MS });
    await agent.start();
    await until(() => h.marketplace.streams.size === 1);
    const rental = testRental();
    h.marketplace.rentals.set(rental.id, rental);
    h.marketplace.pushRental(rental.id);
    await until(async () => (await ledger.get(rental.id))?.state === "Running");
    const reportedMs = await until(() =>
      h.marketplace.events.some((sent) => sent.instanceId === rental.id && sent.event.state === "Running"),
    );
    expect(reportedMs).toBeLessThan(1_000);
    const states = h.marketplace.events
      .filter((sent) => sent.instanceId === rental.id)
      .map((sent) => sent.event.state);
    // In order, each once: the flush after the start and any other flush never send an event twice.
    expect(states).toEqual(["Starting", "Running"]);
    await agent.requestStop(rental.id, "user_stopped");
    await agent.shutdown();
  });

  it("Should follow the stream again, backing off, after the marketplace refused it for a while", async () => {
    const { agent, ledger } = await h.newAgent({ pollMs: HOUR_MS, tickMs: HOUR_MS });
    await agent.start();
    await until(() => h.marketplace.streams.size === 1);
    // An outage: the stream drops and every reconnect is refused (503), so the agent backs off and retries.
    h.marketplace.failWith = 503;
    for (const stream of h.marketplace.streams) stream.end();
    await until(() => h.marketplace.streams.size === 0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    h.marketplace.failWith = undefined;
    await until(() => h.marketplace.streams.size === 1, 15_000);
    const rental = testRental({ cmd: ["true"] });
    h.marketplace.rentals.set(rental.id, rental);
    h.marketplace.pushRental(rental.id);
    expect(await until(async () => (await ledger.get(rental.id)) !== undefined)).toBeLessThan(1_000);
    await agent.shutdown();
  });
});
