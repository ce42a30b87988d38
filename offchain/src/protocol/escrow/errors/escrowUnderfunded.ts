import { UntrustedEscrowError } from "./untrustedEscrow.ts";

/** The escrow holds less GPUC than the price of its unpaid prepaid hours (only its opener can make one so). */
export class EscrowUnderfundedError extends UntrustedEscrowError {
  readonly held: bigint;
  readonly owed: bigint;

  constructor(boxId: string, held: bigint, owed: bigint, unpaidHours: number) {
    super(
      boxId,
      `the escrow holds ${held} GPUC units, less than the ${owed} its ${unpaidHours} unpaid prepaid hours need`,
      "open a new escrow holding every prepaid hour",
    );
    this.held = held;
    this.owed = owed;
  }
}
