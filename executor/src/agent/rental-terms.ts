import type { Rental } from "@gpuc/sdk";
import type { BillingTerms } from "../billing/terms.ts";

/** What the ledger bills a rental by: its prepaid hours and price, in periods of this executor's length. */
export function termsOf(rental: Rental, periodSeconds: number): BillingTerms {
  return {
    periodSeconds,
    prepaidPeriods: rental.hours,
    pricePerPeriod: BigInt(rental.pricePerHour),
  };
}
