import type { BillingTerms } from "./terms.ts";

/**
 * When a running rental's elapsed periods are worth a claim transaction. Every claim recreates the escrow box (its
 * ~1.1 KB script with it), so claiming each hour would put ~1.6 KB on chain per rental-hour; claiming a day at a
 * time puts 1/24 of that. Waiting never costs the provider what it is owed: the provider close at the end of the
 * rental pays every unclaimed period (and the last partial one), the consumer's exit pays every started hour, and
 * the expiry path pays all prepaid hours (docs/protocol.md, "Claim policy").
 */
export interface ClaimPolicy {
  /** Claim once this many whole billing periods are unclaimed. */
  readonly afterPeriods: number;
  /** …or once the unclaimed periods are worth this many GPUC units, whichever comes first. */
  readonly afterAmount?: bigint;
  /**
   * Claim the last prepaid periods too, rather than leaving them to the close (one transaction more per rental;
   * what a provider who wants each hour on chain as soon as it elapses, and the short-period test systems, set).
   */
  readonly claimLast?: boolean;
}

/** Each period claimed as soon as it elapses, the last ones included: one claim per rental-hour. */
export const EVERY_PERIOD: ClaimPolicy = { afterPeriods: 1, claimLast: true };

/** A day of hourly billing per claim: ≤ 150 bytes per rental-hour (`npm run bench:contracts`). */
export const DEFAULT_CLAIM_POLICY: ClaimPolicy = { afterPeriods: 24 };

/**
 * Whether `unclaimed` whole periods of a rental on `terms`, claimed through period `claimed`, are due for a claim
 * under `policy`. Not once every prepaid period has elapsed (unless the policy says `claimLast`): the rental is
 * ending, and its close settles them in the transaction it needs anyway.
 */
export function claimDue(
  policy: ClaimPolicy,
  terms: BillingTerms,
  claimed: number,
  unclaimed: number,
): boolean {
  if (unclaimed <= 0) return false;
  if (!policy.claimLast && claimed + unclaimed >= terms.prepaidPeriods) return false;
  if (unclaimed >= policy.afterPeriods) return true;
  return policy.afterAmount !== undefined && BigInt(unclaimed) * terms.pricePerPeriod >= policy.afterAmount;
}
