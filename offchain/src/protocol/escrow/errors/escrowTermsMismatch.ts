import { UntrustedEscrowError } from "./untrustedEscrow.ts";

/** A term of an opening escrow the rental did not agree to. */
export type EscrowTerm = "consumer" | "provider" | "pricePerHour" | "prepaidHours" | "paidHours" | "gpuc";

const WHAT: Record<EscrowTerm, string> = {
  consumer: "the escrow names another consumer (R4)",
  provider: "the escrow names another provider (R5)",
  pricePerHour: "the escrow's pricePerHour (R6[0])",
  prepaidHours: "the escrow's prepaidHours (R6[2])",
  paidHours: "the escrow opened with hours already marked paid (R6[3])",
  gpuc: "the escrow's GPUC amount",
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
    const parties = term === "consumer" || term === "provider";
    super(
      boxId,
      parties ? WHAT[term] : `${WHAT[term]} is ${actual}, not ${expected}`,
      "open a new escrow with the rental's terms",
    );
    this.term = term;
    this.expected = String(expected);
    this.actual = String(actual);
  }
}
