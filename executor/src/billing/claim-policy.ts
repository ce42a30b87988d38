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
}

/** A day of hourly billing per claim: ≤ 150 bytes per rental-hour (`npm run bench:contracts`). */
export const DEFAULT_CLAIM_POLICY: ClaimPolicy = { afterPeriods: 24 };

/**
 * Whether `unclaimed` whole periods of a rental on `terms`, claimed through period `claimed`, are due for a claim
 * under `policy`. Not once every prepaid period has elapsed: the rental is ending, and its close settles them.
 */
export function claimDue(
  policy: ClaimPolicy,
  terms: BillingTerms,
  claimed: number,
  unclaimed: number,
): boolean {
  if (unclaimed <= 0 || claimed + unclaimed >= terms.prepaidPeriods) return false;
  if (unclaimed >= policy.afterPeriods) return true;
  return policy.afterAmount !== undefined && BigInt(unclaimed) * terms.pricePerPeriod >= policy.afterAmount;
}
