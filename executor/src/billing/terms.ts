/** What a rental pays: a price per billing period, prepaid for a number of periods. */
export interface BillingTerms {
  readonly periodSeconds: number;
  readonly prepaidPeriods: number;
  /** GPUC units per period. */
  readonly pricePerPeriod: bigint;
}

/** The final split of an escrow when a rental ends. */
export interface FinalSplit {
  /** GPUC units to the provider for the periods not yet claimed plus the last partial period. */
  readonly providerAmount: bigint;
  readonly consumerRefund: bigint;
}

export function prepaidSeconds(terms: BillingTerms): number {
  return terms.periodSeconds * terms.prepaidPeriods;
}

/** Seconds the consumer pays for: the running time, never more than was prepaid. */
export function billedSeconds(terms: BillingTerms, runningSeconds: number): number {
  return Math.min(Math.max(0, runningSeconds), prepaidSeconds(terms));
}

/** Whole billing periods elapsed in `billed` seconds: what may be claimed from the escrow so far. */
export function completedPeriods(terms: BillingTerms, billed: number): number {
  return Math.min(Math.floor(billed / terms.periodSeconds), terms.prepaidPeriods);
}

export function isExhausted(terms: BillingTerms, runningSeconds: number): boolean {
  return runningSeconds >= prepaidSeconds(terms);
}

/**
 * How the rest of the escrow splits when a rental ends after `claimedPeriods` were claimed: the provider gets
 * every unclaimed whole period plus the last partial period pro rata per second (rounded down), the consumer
 * the rest.
 *
 * @example
 * // 1 GPUC per 3600 s, 2 prepaid, one claimed, ran 5400 s → provider 0.5 GPUC, refund 0.5 GPUC
 * finalSplit({ periodSeconds: 3600, prepaidPeriods: 2, pricePerPeriod: 1_000_000n }, 5400, 1);
 */
export function finalSplit(terms: BillingTerms, billed: number, claimedPeriods: number): FinalSplit {
  const remaining = BigInt(terms.prepaidPeriods - claimedPeriods) * terms.pricePerPeriod;
  const unclaimedSeconds = Math.max(0, billed - claimedPeriods * terms.periodSeconds);
  const earned = (BigInt(unclaimedSeconds) * terms.pricePerPeriod) / BigInt(terms.periodSeconds);
  const providerAmount = earned < remaining ? earned : remaining;
  return { providerAmount, consumerRefund: remaining - providerAmount };
}
