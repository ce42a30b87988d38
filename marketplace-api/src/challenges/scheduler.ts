import type { Logger } from "@gpuc/platform";
import type { ChallengesService } from "./challenges.service.ts";

export interface SchedulerSettings {
  /** Seconds between ticks. */
  readonly tickS: number;
  /** Mean seconds between random challenges of one idle offer. */
  readonly meanIntervalS: number;
}

/**
 * When challenges go out: each tick fails the overdue ones, challenges every offer whose listing (model and
 * devices) was never challenged, and each other idle offer with probability tickS / meanIntervalS — so random
 * checks arrive as a Poisson process the provider cannot predict. `random` is injectable for tests.
 */
export class ChallengeScheduler {
  constructor(
    private readonly challenges: ChallengesService,
    private readonly settings: SchedulerSettings,
    private readonly log: Logger,
    private readonly random: () => number = Math.random,
  ) {}

  async tick(): Promise<{ expired: number; issued: string[] }> {
    const expired = await this.challenges.expireOverdue();
    const chance = Math.min(1, this.settings.tickS / this.settings.meanIntervalS);
    const issued: string[] = [];
    for (const offer of await this.challenges.candidates()) {
      try {
        if (offer.listing_due) issued.push(await this.challenges.issue(offer, "listing"));
        else if (this.random() < chance) issued.push(await this.challenges.issue(offer, "random"));
      } catch (error) {
        this.log.error("CHALLENGE_ISSUE_FAILED", { gpuId: offer.gpu_id, error });
      }
    }
    return { expired, issued };
  }
}
