import { describe, expect, it } from "vitest";
import { groupedGpuc } from "./grouped.ts";

describe("groupedGpuc", () => {
  it("Should group the whole part in threes with a narrow no-break space", () => {
    expect(groupedGpuc("1000000000000000")).toBe("1\u202f000\u202f000\u202f000 GPUC");
  });

  it("Should leave small amounts and the decimals as they are", () => {
    expect(groupedGpuc("980000")).toBe("0.98 GPUC");
    expect(groupedGpuc("1234567891")).toBe("1\u202f234.567891 GPUC");
  });

  it("Should keep the sign of a negative figure", () => {
    expect(groupedGpuc("-2500000000")).toBe("-2\u202f500 GPUC");
  });
});
