import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { figure, orientedRatio, summarize } from "./bench.ts";

describe("summarize", () => {
  it("gives min, median and max; an even count's median is the mean of the middle two", () => {
    expect(summarize([5, 1, 3])).toEqual({ min: 1, median: 3, max: 5, n: 3 });
    expect(summarize([4, 1, 3, 2])).toEqual({ min: 1, median: 2.5, max: 4, n: 4 });
  });

  it("refuses no samples rather than reporting zeros", () => {
    expect(() => summarize([])).toThrow(RangeError);
  });

  it("orders min ≤ median ≤ max for any samples", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1 }), (samples) => {
        const { min, median, max } = summarize(samples, 6);
        expect(min).toBeLessThanOrEqual(median);
        expect(median).toBeLessThanOrEqual(max);
      }),
    );
  });
});

describe("figure", () => {
  it("rates a throughput against the baseline measured beside it", () => {
    const api = figure({
      name: "api",
      unit: "req/s",
      better: "higher",
      samples: [500, 400, 450],
      baseline: { name: "bare pg", samples: [300, 300, 310] },
    });
    expect(api.median).toBe(450);
    expect(api.baseline).toMatchObject({ name: "bare pg", median: 300 });
    expect(api.ratio).toBe(1.5);
  });

  it("rates a latency against its target, ≥ 1 when met", () => {
    expect(figure({ name: "p99", unit: "ms", better: "lower", samples: [8], target: 10 }).ratio).toBe(1.25);
    expect(figure({ name: "p99", unit: "ms", better: "lower", samples: [20], target: 10 }).ratio).toBe(0.5);
  });

  it("has no ratio without a baseline or a target", () => {
    expect(figure({ name: "x", unit: "ms", better: "lower", samples: [1] }).ratio).toBeUndefined();
  });
});

describe("orientedRatio", () => {
  it("stays a finite number when a lower-is-better figure reaches zero", () => {
    expect(orientedRatio(0, 10, "lower")).toBe(1000);
    expect(orientedRatio(0, 0, "lower")).toBe(1);
    expect(orientedRatio(0, 10, "higher")).toBe(0);
  });
});
