import { randomBytes, randomUUID } from "node:crypto";
import { type ReputationDay, reputationSchema, reputationScore, sumReputationParts } from "@gpuc/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerProvider } from "../testing/fixtures.ts";
import { type Harness, ok, problemOf, startHarness } from "../testing/harness.ts";

describe("Reputation from evidence", () => {
  let h: Harness;
  let providerId: string;
  let gpuId: string;
  const start = new Date("2030-01-01T00:00:00Z");
  const at = (minutes: number) => new Date(start.getTime() + minutes * 60_000);

  beforeAll(async () => {
    h = await startHarness();
    providerId = (await registerProvider(h)).provider.id;
    gpuId = (await h.db.query<{ id: string }>("SELECT id FROM gpus WHERE provider_id = $1", [providerId]))[0]!
      .id;
  });
  afterAll(() => h.close());

  const beat = (when: Date) =>
    h.db.query(
      "INSERT INTO heartbeats (provider_id, sent_at, received_at, gpus, instances) VALUES ($1, $2, $2, '[]', '[]')",
      [providerId, when],
    );

  /** A rental that ended at `when` in `state`, with the event the state machine writes. */
  async function ended(state: string, when: Date, reason: string | null, disputed = false) {
    const id = randomUUID();
    await h.db.query(
      `INSERT INTO instances (id, consumer_address, provider_id, gpu_id, state, image, hours, price_per_hour, amount,
         close_reason, disputed_at, created_at, updated_at)
       VALUES ($1, 'consumer', $2, $3, $4, 'img', 1, 1, 1, $5, $6, $7, $7)`,
      [id, providerId, gpuId, state, reason, disputed ? when : null, when],
    );
    await h.db.query(
      "INSERT INTO instance_events (instance_id, from_state, to_state, reason, at) VALUES ($1, 'Running', $2, $3, $4)",
      [id, state, reason, when],
    );
  }

  async function challenge(state: string, answeredAt: Date | null, deadline: Date) {
    await h.db.query(
      `INSERT INTO challenges (id, provider_id, gpu_id, nonce, model, device_ids, reason, issued_at, deadline, state,
         answered_at)
       VALUES ($1, $2, $3, $4, 'RTX 4090', '{0,1}', 'random', $5, $5, $6, $7)`,
      [randomUUID(), providerId, gpuId, randomBytes(8).toString("hex"), deadline, state, answeredAt],
    );
  }

  it("Should count each day's evidence, store it, and give a score anyone can recompute from the stored rows", async () => {
    // Day one, two hours: 90 of the 120 one-minute intervals answered (two heartbeats in one interval count once).
    for (let minute = 0; minute < 90; minute++) await beat(at(minute + 0.5));
    await beat(at(10.7));
    await ended("Completed", at(30), "user_stopped");
    await ended("Completed", at(40), "funds_exhausted");
    await ended("Failed", at(50), "provider_down");
    // A rental that failed for the consumer's own reasons is not the provider's fault.
    await ended("Failed", at(55), "user_stopped");
    await ended("Resolved", at(70), "arbiter", true);
    await challenge("verified", at(5), at(10));
    await challenge("unverified", at(20), at(25));
    await challenge("failed", null, at(60));
    await challenge("busy", at(65), at(70));
    h.clock.set(at(120));

    const reputation = ok(
      await h.request("GET", `/api/v1/providers/${providerId}/reputation`),
      reputationSchema,
    );
    const day = reputation.days.find((d) => d.day === "2030-01-01");
    expect(day).toEqual({
      day: "2030-01-01",
      heartbeatsExpected: 120,
      heartbeatsReceived: 90,
      rentalsCompleted: 2,
      rentalsFailed: 1,
      challengesPassed: 1,
      challengesFailed: 2,
      disputesLost: 1,
      // 0.4 × 0.75 + 0.3 × 3/4 + 0.2 × 2/4 + 0.1 × 1/2
      score: expect.closeTo(0.3 + 0.225 + 0.1 + 0.05, 10),
    });

    // Recomputed from the stored rows alone, the same score per day and overall.
    const stored = await h.db.query<Record<string, number | string>>(
      "SELECT * FROM reputation_days WHERE provider_id = $1 ORDER BY day",
      [providerId],
    );
    const recomputed = stored.map((row) => ({
      heartbeatsExpected: Number(row.heartbeats_expected),
      heartbeatsReceived: Number(row.heartbeats_received),
      rentalsCompleted: Number(row.rentals_completed),
      rentalsFailed: Number(row.rentals_failed),
      challengesPassed: Number(row.challenges_passed),
      challengesFailed: Number(row.challenges_failed),
      disputesLost: Number(row.disputes_lost),
    }));
    for (const [i, row] of stored.entries())
      expect(reputationScore(recomputed[i]!)).toBeCloseTo(Number(row.score), 12);
    expect(reputation.score).toBeCloseTo(reputationScore(sumReputationParts(recomputed)), 12);
  });

  it("Should keep a past day once its heartbeats are pruned, and start a new day from that day's evidence", async () => {
    h.clock.set(new Date("2030-01-02T01:00:00Z"));
    await beat(new Date("2030-01-02T00:30:10Z"));
    const before = ok(await h.request("GET", `/api/v1/providers/${providerId}/reputation`), reputationSchema);
    await h.db.query("DELETE FROM heartbeats WHERE provider_id = $1", [providerId]);
    // Two days later yesterday is no longer recounted: the stored first day stands.
    h.clock.set(new Date("2030-01-04T00:00:00Z"));
    const after = ok(await h.request("GET", `/api/v1/providers/${providerId}/reputation`), reputationSchema);
    const first = (days: ReputationDay[]) => days.find((d) => d.day === "2030-01-01");
    expect(first(after.days)).toEqual(first(before.days));
    expect(before.days.find((d) => d.day === "2030-01-02")).toMatchObject({
      heartbeatsExpected: 60,
      heartbeatsReceived: 1,
    });
    expect(after.days.map((d) => d.day)).toEqual(["2030-01-01", "2030-01-02", "2030-01-03", "2030-01-04"]);
    problemOf(await h.request("GET", `/api/v1/providers/${randomUUID()}/reputation`), 404);
  });
});
