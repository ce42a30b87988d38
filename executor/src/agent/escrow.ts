import type { LedgerRental } from "../ledger/ledger.ts";
import type { EscrowRef } from "../settlement/settlement.ts";

/** The escrow reference of a ledger rental, as the settlement layer wants it. */
export function escrowOf(rental: LedgerRental): EscrowRef {
  return {
    instanceId: rental.instanceId,
    escrowBoxId: rental.rental.escrowBoxId,
    startHeight: rental.rental.startHeight,
    prepaidPeriods: rental.terms.prepaidPeriods,
    pricePerPeriod: rental.terms.pricePerPeriod,
  };
}
