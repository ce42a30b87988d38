import { describe, expect, it } from "vitest";
import { UsageError } from "./errors.ts";
import { formatAmount, formatGpuc, parseAmount } from "./units.ts";

describe("amounts", () => {
  it("Should parse decimal GPUC and ERG into base units", () => {
    expect(parseAmount("10", 6, "x")).toBe(10_000_000n);
    expect(parseAmount("0.98", 6, "x")).toBe(980_000n);
    expect(parseAmount("1.000000001", 9, "x")).toBe(1_000_000_001n);
  });

  it("Should refuse zero, negatives, junk and more decimals than the unit has", () => {
    for (const text of ["0", "-1", "1e3", "abc", "0.0000001"]) {
      expect(() => parseAmount(text, 6, "The amount")).toThrow(UsageError);
    }
  });

  it("Should format base units without trailing zeros", () => {
    expect(formatGpuc(980_000n)).toBe("0.98 GPUC");
    expect(formatAmount(2_000_000_000n, 9)).toBe("2");
    expect(formatAmount(-20_000n, 6)).toBe("-0.02");
  });
});
