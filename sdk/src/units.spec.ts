import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidAmountError } from "./errors.ts";
import {
  formatAmount,
  formatErg,
  formatGpuc,
  GPUC_UNIT,
  NANOERG,
  parseAmount,
  parseErg,
  parseGpuc,
  toUnits,
} from "./units.ts";

describe("amounts", () => {
  it("Should parse decimal GPUC and ERG into base units", () => {
    expect(parseAmount("10", 6, "x")).toBe(10_000_000n);
    expect(parseAmount("0.98", 6, "x")).toBe(980_000n);
    expect(parseAmount("1.000000001", 9, "x")).toBe(1_000_000_001n);
    expect(parseGpuc(" 2 ")).toBe(2n * GPUC_UNIT);
    expect(parseErg("150.075")).toBe(150_075_000_000n);
    // Beyond Number's 2^53: exact, no float on the way.
    expect(parseErg("97739924.000000001")).toBe(97_739_924_000_000_001n);
  });

  it("Should refuse zero, negatives, junk and more decimals than the unit has", () => {
    for (const text of ["0", "-1", "1e3", "abc", "0.0000001", "", "1,5", ".5", "1.", "+1", "0x10"]) {
      expect(() => parseAmount(text, 6, "The amount")).toThrow(InvalidAmountError);
    }
    expect(() => parseGpuc("0.0000001", "--max-price")).toThrow(
      '--max-price must be a positive number with at most 6 decimals, not "0.0000001"',
    );
    expect(() => parseGpuc("0", "The amount")).toThrow("The amount must be more than zero");
    expect(parseGpuc("0", "--max-price", { allowZero: true })).toBe(0n);
  });

  it("Should format base units without trailing zeros", () => {
    expect(formatGpuc(980_000n)).toBe("0.98 GPUC");
    expect(formatGpuc("2000000")).toBe("2 GPUC");
    expect(formatErg(150_075_000_000n)).toBe("150.075 ERG");
    expect(formatErg(1n)).toBe("0.000000001 ERG");
    expect(formatAmount(2_000_000_000n, 9)).toBe("2");
    expect(formatAmount(-20_000n, 6)).toBe("-0.02");
    expect(formatAmount(0n, 6)).toBe("0");
  });

  it("Should read the API's decimal-string units and refuse anything else", () => {
    expect(toUnits("1500000")).toBe(1_500_000n);
    expect(toUnits(7n)).toBe(7n);
    expect(() => toUnits("1.5")).toThrow(InvalidAmountError);
    expect(() => formatGpuc("abc")).toThrow(InvalidAmountError);
  });

  it("Should give back exactly the units it formatted, for any amount", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 30n }), fc.constantFrom(6, 9), (units, decimals) => {
        expect(parseAmount(formatAmount(units, decimals), decimals, "x")).toBe(units);
      }),
    );
    expect(parseErg(formatAmount(NANOERG * 3n, 9))).toBe(NANOERG * 3n);
  });
});
