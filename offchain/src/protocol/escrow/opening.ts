import { EscrowStartOutsideWindowError } from "./errors/escrowStartOutsideWindow.ts";
import { type EscrowTerm, EscrowTermsMismatchError } from "./errors/escrowTermsMismatch.ts";
import { EscrowUnconfirmedError } from "./errors/escrowUnconfirmed.ts";
import { EscrowUnderfundedError } from "./errors/escrowUnderfunded.ts";
import type { EscrowState } from "./registers.ts";

// Opening an escrow runs no script, so the box the consumer opened is checked by whoever serves it: the parties
// and terms the rental agreed, nothing marked paid, every prepaid hour held, and a billing clock that starts at
// (or a few blocks before, for the mempool wait) the block that included it.

/**
 * Blocks before its inclusion an opening escrow's startHeight may lie by default: room for the opening
 * transaction to wait in the mempool (15 blocks = 30 minutes on mainnet).
 */
export const DEFAULT_ESCROW_START_SLACK_BLOCKS = 15;

/** What an opening escrow must say; a term left out is not checked. */
export interface OpeningTerms {
  /** ErgoTree of the consumer (R4). */
  readonly consumer?: string;
  /** ErgoTree of the provider the escrow must pay (R5). */
  readonly provider?: string;
  readonly pricePerHour?: bigint;
  readonly prepaidHours?: number;
  /** Exactly the GPUC units agreed; without it the escrow must hold at least every prepaid hour. */
  readonly gpuc?: bigint;
  /** Blocks before its inclusion the startHeight may lie (`DEFAULT_ESCROW_START_SLACK_BLOCKS`). */
  readonly startSlackBlocks: number;
}

/**
 * Checks the box a consumer opened against the rental's terms, in this order: consumer, provider, price, prepaid
 * hours, nothing paid, GPUC held, then the billing clock against `inclusionHeight` (the height of the block that
 * included it). Throws `EscrowTermsMismatchError`, `EscrowUnderfundedError`, `EscrowUnconfirmedError` or
 * `EscrowStartOutsideWindowError` (all `UntrustedEscrowError`, with a short `reason`).
 *
 * @example
 * checkOpening(opening, inclusionHeight, { provider: toErgoTree(myAddress), startSlackBlocks: 15 });
 */
export function checkOpening(
  opening: EscrowState,
  inclusionHeight: number | undefined,
  terms: OpeningTerms,
): void {
  const expect = (term: EscrowTerm, expected: unknown, actual: string | number | bigint) => {
    if (expected !== undefined && expected !== actual)
      throw new EscrowTermsMismatchError(opening.boxId, term, String(expected), actual);
  };
  expect("consumer", terms.consumer, opening.consumer);
  expect("provider", terms.provider, opening.provider);
  expect("pricePerHour", terms.pricePerHour, opening.pricePerHour);
  expect("prepaidHours", terms.prepaidHours, opening.prepaidHours);
  expect("paidHours", 0, opening.paidHours);
  expect("gpuc", terms.gpuc, opening.gpuc);
  checkFunded(opening);
  if (inclusionHeight === undefined) throw new EscrowUnconfirmedError(opening.boxId);
  const earliest = inclusionHeight - terms.startSlackBlocks;
  if (opening.startHeight > inclusionHeight || opening.startHeight < earliest)
    throw new EscrowStartOutsideWindowError(opening.boxId, opening.startHeight, earliest, inclusionHeight);
}

/** Throws `EscrowUnderfundedError` unless the escrow holds the price of every unpaid prepaid hour. */
export function checkFunded(escrow: EscrowState): void {
  if (escrow.fullyFunded) return;
  const unpaid = escrow.prepaidHours - escrow.paidHours;
  throw new EscrowUnderfundedError(escrow.boxId, escrow.gpuc, BigInt(unpaid) * escrow.pricePerHour, unpaid);
}
