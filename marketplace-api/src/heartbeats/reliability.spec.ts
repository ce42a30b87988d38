import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerProvider } from "../testing/fixtures.ts";
import { type Harness, startHarness } from "../testing/harness.ts";

describe("Reliability from heartbeats", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  const DAY = 24 * 3600_000;
  const reliability = (providerId: string, now: Date) =>
    h.services.heartbeatsRepo.reliability(providerId, now, 60, 7 * 24 * 3600);

  async function beat(providerId: string, at: Date) {
    await h.db.query(
      "INSERT INTO heartbeats (provider_id, sent_at, received_at, gpus, instances) VALUES ($1, $2, $2, '[]', '[]')",
      [providerId, at],
    );
  }

  it("Should be 1 for a provider that never missed an interval since it registered, and 0 for a silent one", async () => {
    const { provider } = await registerProvider(h);
    const start = new Date(
      (
        await h.db.query<{ created_at: Date }>("SELECT created_at FROM providers WHERE id = $1", [
          provider.id,
        ])
      )[0]!.created_at,
    );
    for (let i = 1; i <= 120; i++) await beat(provider.id, new Date(start.getTime() + i * 60_000));
    expect(await reliability(provider.id, new Date(start.getTime() + 120 * 60_000 + 1))).toBeCloseTo(1, 2);
    const silent = await registerProvider(h);
    expect(await reliability(silent.provider.id, new Date(start.getTime() + 120 * 60_000))).toBe(0);
  });

  it("Should weigh a recent outage more than an old one of the same length", async () => {
    const recentOutage = (await registerProvider(h)).provider.id;
    const oldOutage = (await registerProvider(h)).provider.id;
    const now = new Date(h.clock.now().getTime() + 7 * DAY);
    await h.db.query("UPDATE providers SET created_at = $1 WHERE id IN ($2, $3)", [
      new Date(now.getTime() - 7 * DAY),
      recentOutage,
      oldOutage,
    ]);
    // One heartbeat every 10 minutes is enough to show the shape; both miss one whole day.
    for (let minute = 0; minute < 7 * 24 * 60; minute += 10) {
      const at = new Date(now.getTime() - minute * 60_000);
      if (minute >= 24 * 60) await beat(recentOutage, at);
      if (minute < 6 * 24 * 60) await beat(oldOutage, at);
    }
    const recent = await reliability(recentOutage, now);
    const old = await reliability(oldOutage, now);
    expect(old).toBeGreaterThan(recent);
    expect(recent).toBeGreaterThan(0);
    expect(old).toBeLessThan(1);
  });
});
