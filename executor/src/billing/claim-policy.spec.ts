import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { claimDue, DEFAULT_CLAIM_POLICY, EVERY_PERIOD } from "./claim-policy.ts";
import type { BillingTerms } from "./terms.ts";

const terms: BillingTerms = { periodSeconds: 3600, prepaidPeriods: 72, pricePerPeriod: 2_000_000n };

describe("claim policy", () => {
  it("Should wait for a day of hourly periods by default", () => {
    expect(claimDue(DEFAULT_CLAIM_POLICY, terms, 0, 23)).toBe(false);
    expect(claimDue(DEFAULT_CLAIM_POLICY, terms, 0, 24)).toBe(true);
  });

  it("Should claim sooner once the unclaimed periods reach the provider's amount", () => {
    const policy = { afterPeriods: 24, afterAmount: 10_000_000n };
    expect(claimDue(policy, terms, 0, 4)).toBe(false);
    expect(claimDue(policy, terms, 0, 5)).toBe(true);
  });

  it("Should claim every period when the provider sets it to 1", () => {
    expect(claimDue({ afterPeriods: 1 }, terms, 0, 1)).toBe(true);
  });

  it("Should leave the last periods to the close once every prepaid period has elapsed", () => {
    expect(claimDue({ afterPeriods: 1 }, terms, 48, 23)).toBe(true);
    expect(claimDue({ afterPeriods: 1 }, terms, 48, 24)).toBe(false);
  });

  it("Should claim the last periods too when the policy says claimLast", () => {
    expect(claimDue(EVERY_PERIOD, terms, 71, 1)).toBe(true);
    expect(claimDue(EVERY_PERIOD, terms, 72, 0)).toBe(false);
  });

  it("Should never claim nothing", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        (after, amount) => {
          expect(claimDue({ afterPeriods: after, afterAmount: amount }, terms, 0, 0)).toBe(false);
        },
      ),
    );
  });

  it("Should claim whenever the threshold is reached, and more unclaimed periods never make it wait", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 70 }), (after, unclaimed) => {
        const due = claimDue({ afterPeriods: after }, terms, 0, unclaimed);
        expect(due).toBe(unclaimed >= after);
        if (due) expect(claimDue({ afterPeriods: after }, terms, 0, unclaimed + 1)).toBe(true);
      }),
    );
  });
});
