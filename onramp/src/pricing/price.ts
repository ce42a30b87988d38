import { PricingError } from "./pricingError.ts";

// What a card pays for GPUC, in whole US cents, from two on-chain rates: the Config box's price of 1 GPUC in
// nanoERG (R5) and the ERG/USD oracle pool's nanoERG per 1 USD (R4). Amounts are bigint throughout; every cent
// is rounded up, so the operator never sells below cost.

/** GPUC units in 1 GPUC. */
const UNITS_PER_GPUC = 1_000_000n;
const CENTS_PER_USD = 100n;
const BPS = 10_000n;

/** Stripe's card fee: `bps` of the charge plus `fixedCents` per charge (US cards: 290 bps + 30 ¢). */
export interface StripeFee {
  readonly bps: number;
  readonly fixedCents: number;
}

export interface PricingRates {
  /** Config R5: nanoERG per 1 GPUC (10^6 units). */
  readonly priceNanoErgPerGpuc: bigint;
  /** The oracle pool's R4: nanoERG per 1 USD. */
  readonly nanoErgPerUsd: bigint;
  /** The operator's margin over the base, basis points of the base. */
  readonly spreadBps: number;
  readonly stripeFee: StripeFee;
}

/** What a quote charges, in US cents: totalCents = baseCents + spreadCents + stripeFeeCents. */
export interface GpucQuote {
  readonly gpucUnits: bigint;
  /** The GPUC at the Config price × the oracle rate, rounded up. */
  readonly baseCents: bigint;
  /** spreadBps of the base, rounded up. */
  readonly spreadCents: bigint;
  /** Stripe's fee on the total, grossed up so that the operator keeps base + spread. */
  readonly stripeFeeCents: bigint;
  /** What the card is charged. */
  readonly totalCents: bigint;
}

/**
 * The price of `gpucUnits` GPUC units, fees included.
 *
 * - base = ⌈units × price × 100 / (10^6 × nanoErgPerUsd)⌉ cents (the ERG the GPUC is worth, in USD);
 * - spread = ⌈base × spreadBps / 10^4⌉;
 * - Stripe takes f(T) = T × bps / 10^4 + fixed from a charge T, and the operator must keep net = base + spread,
 *   so T is grossed up: T = ⌈(net + fixed) × 10^4 / (10^4 − bps)⌉, the smallest T with T − f(T) ≥ net. It
 *   holds even when Stripe rounds its part up: T − ⌈T × bps / 10^4⌉ = ⌊T × (10^4 − bps) / 10^4⌋ ≥ net + fixed.
 *   stripeFee = T − net.
 *
 * Throws `PricingError` for a non-positive amount or rate, a negative spread or fee, or a fee of 100 % or more.
 *
 * @example
 * // 10 GPUC at 1 ERG each, ERG at $0.6667 (1.5 ERG per USD), 2 % spread, Stripe 2.9 % + 30 ¢:
 * quoteForGpuc({ gpucUnits: 10_000_000n, priceNanoErgPerGpuc: 1_000_000_000n, nanoErgPerUsd: 1_500_000_000n,
 *   spreadBps: 200, stripeFee: { bps: 290, fixedCents: 30 } });
 * // { baseCents: 667n, spreadCents: 14n, stripeFeeCents: 52n, totalCents: 733n }
 */
export function quoteForGpuc(request: PricingRates & { readonly gpucUnits: bigint }): GpucQuote {
  const rates = checkedRates(request);
  positive("gpucUnits", request.gpucUnits);
  return quote(request.gpucUnits, rates);
}

/**
 * The most GPUC a charge of at most `totalCents` buys, fees included, and its breakdown: the largest gpucUnits
 * with `quoteForGpuc(...).totalCents <= totalCents` (charge the returned totalCents, which may be a few cents
 * less than asked). Throws `PricingError` when `totalCents` does not buy one GPUC unit.
 *
 * @example
 * quoteForUsd({ totalCents: 2_000n, ...rates }); // the rates above: { gpucUnits: 28_110_000n, baseCents: 1_874n, …, totalCents: 2_000n }
 */
export function quoteForUsd(request: PricingRates & { readonly totalCents: bigint }): GpucQuote {
  const rates = checkedRates(request);
  positive("totalCents", request.totalCents);
  const { totalCents } = request;
  // Each step inverts one of quoteForGpuc's exactly (each is monotonic in the one before):
  // the most the operator keeps from totalCents, the most base that leaves room for its spread, the most units
  // whose rounded-up base fits it.
  const net = (totalCents * (BPS - rates.stripeBps)) / BPS - rates.fixedCents;
  const base = (net * BPS) / (BPS + rates.spreadBps);
  let units = base > 0n ? (base * UNITS_PER_GPUC * rates.nanoErgPerUsd) / (rates.price * CENTS_PER_USD) : 0n;
  // Checked against quoteForGpuc itself, so the answer is right by construction, not only by the algebra above.
  while (units > 0n && quote(units, rates).totalCents > totalCents) units -= 1n;
  while (quote(units + 1n, rates).totalCents <= totalCents) units += 1n;
  if (units === 0n) {
    const least = quote(1n, rates).totalCents;
    throw new PricingError(
      "totalCents",
      totalCents,
      `at least ${least} (what 1 GPUC unit costs, fees included)`,
    );
  }
  return quote(units, rates);
}

interface Rates {
  readonly price: bigint;
  readonly nanoErgPerUsd: bigint;
  readonly spreadBps: bigint;
  readonly stripeBps: bigint;
  readonly fixedCents: bigint;
}

function quote(gpucUnits: bigint, rates: Rates): GpucQuote {
  const baseCents = ceilDiv(gpucUnits * rates.price * CENTS_PER_USD, UNITS_PER_GPUC * rates.nanoErgPerUsd);
  const spreadCents = ceilDiv(baseCents * rates.spreadBps, BPS);
  const net = baseCents + spreadCents;
  const totalCents = ceilDiv((net + rates.fixedCents) * BPS, BPS - rates.stripeBps);
  return { gpucUnits, baseCents, spreadCents, stripeFeeCents: totalCents - net, totalCents };
}

function checkedRates(request: PricingRates): Rates {
  positive("priceNanoErgPerGpuc", request.priceNanoErgPerGpuc);
  positive("nanoErgPerUsd", request.nanoErgPerUsd);
  return {
    price: request.priceNanoErgPerGpuc,
    nanoErgPerUsd: request.nanoErgPerUsd,
    spreadBps: whole("spreadBps", request.spreadBps, Number.MAX_SAFE_INTEGER),
    stripeBps: whole("stripeFee.bps", request.stripeFee.bps, 9_999),
    fixedCents: whole("stripeFee.fixedCents", request.stripeFee.fixedCents, Number.MAX_SAFE_INTEGER),
  };
}

function positive(field: string, value: bigint): void {
  if (typeof value !== "bigint" || value <= 0n) throw new PricingError(field, value, "a positive bigint");
}

function whole(field: string, value: number, max: number): bigint {
  if (!Number.isSafeInteger(value) || value < 0 || value > max) {
    throw new PricingError(field, value, `a whole number from 0 to ${max}`);
  }
  return BigInt(value);
}

function ceilDiv(numerator: bigint, denominator: bigint): bigint {
  return (numerator + denominator - 1n) / denominator;
}
