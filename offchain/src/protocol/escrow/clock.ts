import type { EscrowTerms } from "./registers.ts";

// The escrow's billing clock, as the contract computes it. `height` is the height a transaction is validated at
// (HEIGHT in the script): the chain's current height + 1 for a transaction going into the next block.

/** Whole hours elapsed since the start (may exceed the prepaid hours). */
export function elapsedHours(terms: EscrowTerms, height: number, blocksPerHour: number): number {
  return Math.max(0, Math.floor((height - terms.startHeight) / blocksPerHour));
}

/** Hours the provider may claim now: elapsed, prepaid, and not yet paid. */
export function claimableHours(terms: EscrowTerms, height: number, blocksPerHour: number): number {
  return Math.max(
    0,
    Math.min(elapsedHours(terms, height, blocksPerHour), terms.prepaidHours) - terms.paidHours,
  );
}

/** Hours the provider is owed when the consumer exits: every started hour not yet paid, within the prepaid ones. */
export function owedOnExitHours(terms: EscrowTerms, height: number, blocksPerHour: number): number {
  const started = Math.max(0, Math.ceil((height - terms.startHeight) / blocksPerHour));
  return Math.max(0, Math.min(started, terms.prepaidHours) - terms.paidHours);
}

/**
 * The most a provider close at `height` may pay the provider (gross, GPUC units): the elapsed blocks within the
 * prepaid time, pro rata (floor), less the hours already paid. Never above what consumer exit would pay.
 */
export function providerCloseCap(terms: EscrowTerms, height: number, blocksPerHour: number): bigint {
  const blocks = Math.min(height - terms.startHeight, terms.prepaidHours * blocksPerHour);
  const cap =
    (terms.pricePerHour * BigInt(blocks)) / BigInt(blocksPerHour) -
    BigInt(terms.paidHours) * terms.pricePerHour;
  return cap > 0n ? cap : 0n;
}

/** First height at which anyone may expire the escrow. */
export function expiryHeight(terms: EscrowTerms, blocksPerHour: number, disputeGraceBlocks: number): number {
  return terms.startHeight + terms.prepaidHours * blocksPerHour + disputeGraceBlocks;
}

/** The protocol fee taken from a provider's gross share, and what the provider keeps. */
export function splitFee(gross: bigint, feeBps: number): { fee: bigint; net: bigint } {
  const fee = (gross * BigInt(feeBps)) / 10_000n;
  return { fee, net: gross - fee };
}
