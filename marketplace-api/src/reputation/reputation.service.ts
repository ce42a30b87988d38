import { assert } from "@gpuc/platform/http";
import { type Reputation, reputationScore, sumReputationParts } from "@gpuc/sdk";
import type { Clock } from "../core/clock.ts";
import type { ReputationRepository } from "./reputation.repository.ts";

const DAY_MS = 24 * 3600_000;
/** Days shown and summed into the score. */
export const REPUTATION_DAYS = 30;

const utcDay = (at: Date) => at.toISOString().slice(0, 10);

/**
 * Reputation from evidence: each provider's parts per UTC day, counted from the raw tables and stored (heartbeats
 * are pruned after the reliability window; the stored days outlive them), and the score over the last 30 days.
 */
export class ReputationService {
  constructor(
    private readonly repo: ReputationRepository,
    private readonly clock: Clock,
    private readonly intervalS: number,
  ) {}

  /** Recounts today and yesterday (yesterday's last heartbeats and rentals may have arrived after midnight). */
  async refresh(providerId: string): Promise<void> {
    const now = this.clock.now();
    for (const day of [utcDay(new Date(now.getTime() - DAY_MS)), utcDay(now)]) {
      const parts = await this.repo.count(providerId, day, this.intervalS, now);
      if (parts) await this.repo.upsert(providerId, day, parts, reputationScore(parts));
    }
  }

  async refreshAll(): Promise<void> {
    for (const id of await this.repo.providerIds()) await this.refresh(id);
  }

  async get(providerId: string): Promise<Reputation> {
    await this.refresh(providerId);
    const since = utcDay(new Date(this.clock.now().getTime() - (REPUTATION_DAYS - 1) * DAY_MS));
    const days = await this.repo.days(providerId, since);
    assert(days.length > 0, 404, `Provider ${providerId} not found`);
    const parts = sumReputationParts(days);
    return { providerId, score: reputationScore(parts), parts, days };
  }
}
