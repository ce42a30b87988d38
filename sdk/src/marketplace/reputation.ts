import * as z from "zod";

/**
 * One provider's evidence for one UTC day, as the marketplace stores it (`reputation_days`): heartbeat intervals
 * expected and answered, rentals ended well or by the provider's fault, benchmark challenges passed or not, and
 * disputes the arbiter resolved. The score is `reputationScore` of these numbers, so anyone can recompute it.
 */
export const reputationPartsSchema = z.object({
  heartbeatsExpected: z.number().int().min(0),
  heartbeatsReceived: z.number().int().min(0),
  rentalsCompleted: z
    .number()
    .int()
    .min(0)
    .describe("Ended Completed (the consumer stopped it, or its funds ran out)"),
  rentalsFailed: z.number().int().min(0).describe("Failed with provider_down or provider_rejected"),
  challengesPassed: z.number().int().min(0).describe("Benchmark challenges judged verified"),
  challengesFailed: z
    .number()
    .int()
    .min(0)
    .describe("Judged failed or unverified (busy ones count for neither)"),
  disputesLost: z.number().int().min(0).describe("Disputed rentals the arbiter resolved"),
});
export type ReputationParts = z.output<typeof reputationPartsSchema>;

export const reputationDaySchema = reputationPartsSchema.extend({
  day: z.iso.date(),
  score: z.number().min(0).max(1),
});
export type ReputationDay = z.output<typeof reputationDaySchema>;

export const reputationSchema = z.object({
  providerId: z.uuid(),
  score: z.number().min(0).max(1).describe("reputationScore of the days' parts summed"),
  parts: reputationPartsSchema.describe("The days' parts summed"),
  days: z.array(reputationDaySchema).describe("Oldest first"),
});
export type Reputation = z.output<typeof reputationSchema>;

/** How much each kind of evidence weighs in the score (they sum to 1). */
export const REPUTATION_WEIGHTS = { uptime: 0.4, rentals: 0.3, challenges: 0.2, disputes: 0.1 } as const;

/**
 * The reputation score in [0, 1] of some evidence: a weighted mean of uptime (intervals answered / expected),
 * rental success and challenge success — each a ratio with one success assumed (so a new provider starts at 1, and
 * one failure among few weighs more than among many) — and 1 / (1 + disputes lost). Pure: the stored parts give
 * the stored score again.
 *
 * @example
 * reputationScore({ heartbeatsExpected: 1440, heartbeatsReceived: 1440, rentalsCompleted: 3, rentalsFailed: 1,
 *   challengesPassed: 2, challengesFailed: 0, disputesLost: 0 }); // 0.4 + 0.3 × 0.8 + 0.2 + 0.1 = 0.94
 */
export function reputationScore(parts: ReputationParts): number {
  const uptime =
    parts.heartbeatsExpected === 0 ? 1 : Math.min(1, parts.heartbeatsReceived / parts.heartbeatsExpected);
  const rentals = (parts.rentalsCompleted + 1) / (parts.rentalsCompleted + parts.rentalsFailed + 1);
  const challenges = (parts.challengesPassed + 1) / (parts.challengesPassed + parts.challengesFailed + 1);
  const disputes = 1 / (1 + parts.disputesLost);
  const w = REPUTATION_WEIGHTS;
  return w.uptime * uptime + w.rentals * rentals + w.challenges * challenges + w.disputes * disputes;
}

/** The parts of several days added up (what the overall score is computed from). */
export function sumReputationParts(days: readonly ReputationParts[]): ReputationParts {
  const total: ReputationParts = {
    heartbeatsExpected: 0,
    heartbeatsReceived: 0,
    rentalsCompleted: 0,
    rentalsFailed: 0,
    challengesPassed: 0,
    challengesFailed: 0,
    disputesLost: 0,
  };
  for (const day of days)
    for (const key of Object.keys(total) as (keyof ReputationParts)[]) total[key] += day[key];
  return total;
}
