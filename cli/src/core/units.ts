import { UsageError } from "./errors.ts";

/** 1 GPUC = 10^6 units; 1 ERG = 10^9 nanoERG. */
export const GPUC_UNIT = 1_000_000n;
export const NANOERG = 1_000_000_000n;

/** Parses a decimal amount ("10", "0.5") into integer base units with `decimals` places. */
export function parseAmount(text: string, decimals: number, what: string): bigint {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match || (match[2] && match[2].length > decimals)) {
    throw new UsageError(
      `${what} must be a positive number with at most ${decimals} decimals, not "${text}"`,
    );
  }
  const value =
    BigInt(match[1]!) * 10n ** BigInt(decimals) + BigInt((match[2] ?? "").padEnd(decimals, "0") || "0");
  if (value <= 0n) throw new UsageError(`${what} must be more than zero`);
  return value;
}

/** Formats integer base units as a decimal ("980000" with 6 decimals → "0.98"). */
export function formatAmount(units: bigint, decimals: number): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const scale = 10n ** BigInt(decimals);
  const fraction = (abs % scale).toString().padStart(decimals, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${abs / scale}${fraction ? `.${fraction}` : ""}`;
}

export const formatGpuc = (units: bigint): string => `${formatAmount(units, 6)} GPUC`;
export const formatErg = (nanoErg: bigint): string => `${formatAmount(nanoErg, 9)} ERG`;
