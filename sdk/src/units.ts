import { InvalidAmountError } from "./errors.ts";

/** Decimal places of one GPUC (1 GPUC = 10^6 units) and of one ERG (1 ERG = 10^9 nanoERG). */
export const GPUC_DECIMALS = 6;
export const ERG_DECIMALS = 9;
/** Base units in one GPUC, and nanoERG in one ERG. */
export const GPUC_UNIT = 10n ** BigInt(GPUC_DECIMALS);
export const NANOERG = 10n ** BigInt(ERG_DECIMALS);

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;
const INTEGER = /^-?\d+$/;

export interface ParseAmountOptions {
  /** Accept "0" (a price floor, a filter); amounts to pay or move are more than zero by default. */
  readonly allowZero?: boolean;
}

/**
 * Parses a decimal amount a person typed ("10", "0.5", " 2.25 ") into integer base units with `decimals`
 * places, exactly (bigint arithmetic, never a float). `what` names the input in the error ("--max-price",
 * "The amount").
 *
 * @throws InvalidAmountError for signs, exponents, separators, junk, more decimals than the unit has, or zero.
 * @example
 * parseAmount("0.98", 6, "--max-price"); // 980000n
 */
export function parseAmount(
  text: string,
  decimals: number,
  what: string,
  options: ParseAmountOptions = {},
): bigint {
  const match = DECIMAL.exec(text.trim());
  if (!match || (match[2] && match[2].length > decimals)) {
    throw new InvalidAmountError(
      text,
      what,
      `must be a positive number with at most ${decimals} decimals, not "${text}"`,
    );
  }
  const fraction = (match[2] ?? "").padEnd(decimals, "0");
  const value = BigInt(match[1]!) * 10n ** BigInt(decimals) + BigInt(fraction || "0");
  if (value === 0n && !options.allowZero) throw new InvalidAmountError(text, what, "must be more than zero");
  return value;
}

/** `parseAmount` in GPUC: "1.5" → 1500000n units. */
export function parseGpuc(text: string, what = "The GPUC amount", options?: ParseAmountOptions): bigint {
  return parseAmount(text, GPUC_DECIMALS, what, options);
}

/** `parseAmount` in ERG: "0.001" → 1000000n nanoERG. */
export function parseErg(text: string, what = "The ERG amount", options?: ParseAmountOptions): bigint {
  return parseAmount(text, ERG_DECIMALS, what, options);
}

/**
 * Base units as the API writes them (a decimal string, as in `pricePerHour: "1500000"`) or a bigint, as a bigint.
 *
 * @throws InvalidAmountError when the string is not a whole number.
 */
export function toUnits(value: bigint | string, what = "The amount"): bigint {
  if (typeof value === "bigint") return value;
  if (!INTEGER.test(value))
    throw new InvalidAmountError(value, what, `must be whole base units, not "${value}"`);
  return BigInt(value);
}

/**
 * Formats integer base units as a decimal without trailing zeros: 980000n with 6 decimals → "0.98".
 *
 * @example
 * formatAmount(150_075_000_000n, 9); // "150.075"
 */
export function formatAmount(units: bigint | string, decimals: number): string {
  const value = toUnits(units);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const scale = 10n ** BigInt(decimals);
  const fraction = (abs % scale).toString().padStart(decimals, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${abs / scale}${fraction ? `.${fraction}` : ""}`;
}

/** GPUC units for people: 2000000n → "2 GPUC", "1500000" → "1.5 GPUC". */
export function formatGpuc(units: bigint | string): string {
  return `${formatAmount(units, GPUC_DECIMALS)} GPUC`;
}

/** nanoERG for people: 150075000000n → "150.075 ERG". */
export function formatErg(nanoErg: bigint | string): string {
  return `${formatAmount(nanoErg, ERG_DECIMALS)} ERG`;
}
