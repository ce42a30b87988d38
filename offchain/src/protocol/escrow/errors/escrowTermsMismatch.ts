import { UntrustedEscrowError } from "./untrustedEscrow.ts";

/** A term of an opening escrow the rental did not agree to. */
export type EscrowTerm = "consumer" | "provider" | "pricePerHour" | "prepaidHours" | "paidHours" | "gpuc";

const REASON: Record<EscrowTerm, (expected: string, actual: string) => string> = {
  consumer: () => "the escrow names another consumer (R4)",
  provider: () => "the escrow names another provider (R5)",
  pricePerHour: (expected, actual) => `pricePerHour (R6[0]) is ${actual}, not the agreed ${expected}`,
  prepaidHours: (expected, actual) => `prepaidHours (R6[2]) is ${actual}, not the agreed ${expected}`,
  paidHours: (_, actual) => `the escrow opened with ${actual} hours already marked paid (R6[3])`,
  gpuc: (expected, actual) => `the escrow holds ${actual} GPUC units, not the agreed ${expected}`,
};

/** An opening escrow whose parties or terms are not the rental's. */
export class EscrowTermsMismatchError extends UntrustedEscrowError {
  readonly term: EscrowTerm;
  readonly expected: string;
  readonly actual: string;

  constructor(
    boxId: string,
    term: EscrowTerm,
    expected: string | number | bigint,
    actual: string | number | bigint,
  ) {
    super(boxId, REASON[term](String(expected), String(actual)), "open a new escrow with the rental's terms");
    this.term = term;
    this.expected = String(expected);
    this.actual = String(actual);
  }
}
