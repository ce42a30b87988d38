import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type PricingRates, quoteForGpuc, quoteForUsd } from "./price.ts";
import { PricingError } from "./pricingError.ts";

const GPUC = 1_000_000n;
const ERG = 1_000_000_000n;

/** 1 GPUC = 1 ERG, ERG at $0.6667 (1.5 ERG per USD), 2 % spread, Stripe 2.9 % + 30 ¢. */
const rates: PricingRates = {
  priceNanoErgPerGpuc: ERG,
  nanoErgPerUsd: 1_500_000_000n,
  spreadBps: 200,
  stripeFee: { bps: 290, fixedCents: 30 },
};

/** What Stripe leaves the operator of a charge, rounding its own part up (the worst case for the operator). */
const keptAfterStripe = (totalCents: bigint, fee: PricingRates["stripeFee"]) =>
  totalCents - (totalCents * BigInt(fee.bps) + 9_999n) / 10_000n - BigInt(fee.fixedCents);

const arbitraryRates: fc.Arbitrary<PricingRates> = fc.record({
  // 0.000001 ERG to 1,000 ERG per GPUC; ERG from $0.0001 to $1,000.
  priceNanoErgPerGpuc: fc.bigInt({ min: 1_000n, max: 1_000n * ERG }),
  nanoErgPerUsd: fc.bigInt({ min: 1_000_000n, max: 10_000n * ERG }),
  spreadBps: fc.integer({ min: 0, max: 5_000 }),
  stripeFee: fc.record({
    bps: fc.integer({ min: 0, max: 2_000 }),
    fixedCents: fc.integer({ min: 0, max: 1_000 }),
  }),
});
const units = fc.bigInt({ min: 1n, max: 1_000_000n * GPUC });
const cents = fc.bigInt({ min: 1n, max: 10_000_000n });

describe("quoteForGpuc", () => {
  it("Should price 10 GPUC: base, spread and Stripe's fee each rounded up, the fee grossed up", () => {
    // 10 ERG / 1.5 = $6.666… → 667 ¢; 2 % of 667 = 13.34 → 14; (681 + 30) / 0.971 = 732.2 → 733.
    expect(quoteForGpuc({ ...rates, gpucUnits: 10n * GPUC })).toEqual({
      gpucUnits: 10n * GPUC,
      baseCents: 667n,
      spreadCents: 14n,
      stripeFeeCents: 52n,
      totalCents: 733n,
    });
    // Stripe takes ⌈733 × 2.9 %⌉ + 30 = 22 + 30 = 52: the operator keeps 681 = base + spread.
    expect(keptAfterStripe(733n, rates.stripeFee)).toBe(681n);
  });

  it("Should charge at least one cent of base for a single GPUC unit", () => {
    // 1 unit is 0.00007 ¢ of ERG → 1 ¢; its 2 % → 1 ¢; (2 + 30) / 0.971 = 32.96 → 33.
    const quote = quoteForGpuc({ ...rates, gpucUnits: 1n });
    expect(quote).toMatchObject({ baseCents: 1n, spreadCents: 1n, totalCents: 33n });
  });

  it("Should charge exactly the base when there is no spread and no fee", () => {
    const free = { ...rates, spreadBps: 0, stripeFee: { bps: 0, fixedCents: 0 } };
    expect(quoteForGpuc({ ...free, gpucUnits: 3n * GPUC })).toMatchObject({
      baseCents: 200n,
      totalCents: 200n,
    });
  });

  it("Should refuse non-positive amounts and rates, and fees out of range", () => {
    const bad = [
      { ...rates, gpucUnits: 0n },
      { ...rates, gpucUnits: -1n },
      { ...rates, gpucUnits: GPUC, priceNanoErgPerGpuc: 0n },
      { ...rates, gpucUnits: GPUC, nanoErgPerUsd: -5n },
      { ...rates, gpucUnits: GPUC, spreadBps: -1 },
      { ...rates, gpucUnits: GPUC, spreadBps: 1.5 },
      { ...rates, gpucUnits: GPUC, stripeFee: { bps: 10_000, fixedCents: 30 } },
      { ...rates, gpucUnits: GPUC, stripeFee: { bps: 290, fixedCents: -1 } },
    ];
    for (const request of bad) expect(() => quoteForGpuc(request)).toThrow(PricingError);
    expect(() => quoteForGpuc({ ...rates, gpucUnits: 0n })).toThrow(
      /gpucUnits is 0, but it must be a positive/,
    );
  });

  it("Should never sell below cost: base covers the ERG, and Stripe's cut leaves base + spread (property)", () => {
    fc.assert(
      fc.property(arbitraryRates, units, (r, gpucUnits) => {
        const quote = quoteForGpuc({ ...r, gpucUnits });
        // base cents × nanoERG per cent ≥ the GPUC's nanoERG
        expect(quote.baseCents * r.nanoErgPerUsd * GPUC).toBeGreaterThanOrEqual(
          gpucUnits * r.priceNanoErgPerGpuc * 100n,
        );
        expect(quote.spreadCents * 10_000n).toBeGreaterThanOrEqual(quote.baseCents * BigInt(r.spreadBps));
        expect(quote.totalCents).toBe(quote.baseCents + quote.spreadCents + quote.stripeFeeCents);
        expect(keptAfterStripe(quote.totalCents, r.stripeFee)).toBeGreaterThanOrEqual(
          quote.baseCents + quote.spreadCents,
        );
      }),
    );
  });

  it("Should round up by less than a cent each: the total is the smallest that covers (property)", () => {
    fc.assert(
      fc.property(arbitraryRates, units, (r, gpucUnits) => {
        const quote = quoteForGpuc({ ...r, gpucUnits });
        expect((quote.baseCents - 1n) * r.nanoErgPerUsd * GPUC).toBeLessThan(
          gpucUnits * r.priceNanoErgPerGpuc * 100n,
        );
        // One cent less, and Stripe's exact fee would leave the operator short of base + spread.
        const net = quote.baseCents + quote.spreadCents + BigInt(r.stripeFee.fixedCents);
        expect((quote.totalCents - 1n) * (10_000n - BigInt(r.stripeFee.bps))).toBeLessThan(net * 10_000n);
      }),
    );
  });

  it("Should be monotonic: more GPUC never costs less, in any part (property)", () => {
    fc.assert(
      fc.property(arbitraryRates, units, units, (r, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        const cheap = quoteForGpuc({ ...r, gpucUnits: low });
        const dear = quoteForGpuc({ ...r, gpucUnits: high });
        expect(dear.baseCents).toBeGreaterThanOrEqual(cheap.baseCents);
        expect(dear.spreadCents).toBeGreaterThanOrEqual(cheap.spreadCents);
        expect(dear.totalCents).toBeGreaterThanOrEqual(cheap.totalCents);
      }),
    );
  });
});

describe("quoteForUsd", () => {
  it("Should buy the most GPUC that $20.00 pays for, fees included", () => {
    const quote = quoteForUsd({ ...rates, totalCents: 2_000n });
    expect(quote.totalCents).toBeLessThanOrEqual(2_000n);
    expect(quoteForGpuc({ ...rates, gpucUnits: quote.gpucUnits })).toEqual(quote);
    expect(quoteForGpuc({ ...rates, gpucUnits: quote.gpucUnits + 1n }).totalCents).toBeGreaterThan(2_000n);
    // (2000 × 0.971 − 30) / 1.02 = 1874.5… → 1874 ¢ of base = 18.74 × 1.5 = 28.11 GPUC
    expect(quote).toEqual({
      gpucUnits: 28_110_000n,
      baseCents: 1_874n,
      spreadCents: 38n,
      stripeFeeCents: 88n,
      totalCents: 2_000n,
    });
  });

  it("Should refuse an amount that does not buy one GPUC unit, saying the least", () => {
    expect(() => quoteForUsd({ ...rates, totalCents: 32n })).toThrow(/at least 33/);
    expect(quoteForUsd({ ...rates, totalCents: 33n }).gpucUnits).toBeGreaterThan(0n);
    expect(() => quoteForUsd({ ...rates, totalCents: 0n })).toThrow(PricingError);
  });

  it("Should give the largest GPUC amount whose total fits (property)", () => {
    fc.assert(
      fc.property(arbitraryRates, cents, (r, totalCents) => {
        const least = quoteForGpuc({ ...r, gpucUnits: 1n }).totalCents;
        if (totalCents < least) {
          expect(() => quoteForUsd({ ...r, totalCents })).toThrow(PricingError);
          return;
        }
        const quote = quoteForUsd({ ...r, totalCents });
        expect(quote.totalCents).toBeLessThanOrEqual(totalCents);
        expect(quoteForGpuc({ ...r, gpucUnits: quote.gpucUnits })).toEqual(quote);
        expect(quoteForGpuc({ ...r, gpucUnits: quote.gpucUnits + 1n }).totalCents).toBeGreaterThan(
          totalCents,
        );
      }),
    );
  });

  it("Should round-trip: a quote's total buys at least its GPUC back (property)", () => {
    fc.assert(
      fc.property(arbitraryRates, units, (r, gpucUnits) => {
        const { totalCents } = quoteForGpuc({ ...r, gpucUnits });
        const back = quoteForUsd({ ...r, totalCents });
        expect(back.gpucUnits).toBeGreaterThanOrEqual(gpucUnits);
        expect(back.totalCents).toBe(totalCents);
      }),
    );
  });

  it("Should be monotonic: more cents never buy less GPUC (property)", () => {
    fc.assert(
      fc.property(arbitraryRates, cents, cents, (r, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        const least = quoteForGpuc({ ...r, gpucUnits: 1n }).totalCents;
        fc.pre(low >= least);
        expect(quoteForUsd({ ...r, totalCents: high }).gpucUnits).toBeGreaterThanOrEqual(
          quoteForUsd({ ...r, totalCents: low }).gpucUnits,
        );
      }),
    );
  });
});
