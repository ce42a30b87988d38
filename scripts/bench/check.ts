// Compares a run's ratios with the committed baseline (bench-baseline.json): a figure whose ratio is worse by more
// than the tolerance is a regression. Ratios, not raw timings, are compared: each is measured against its own
// side-by-side baseline (or target) in the same run, so a slower or busier machine moves both sides alike.

import * as z from "zod";
import type { BenchResults } from "./runner.ts";

export const TOLERANCE = 0.2;

export const baselineSchema = z.object({
  note: z.string().optional(),
  recordedAt: z.string(),
  tolerance: z.number().positive().max(1),
  /** Per benchmark, each figure's ratio. */
  ratios: z.record(z.string(), z.record(z.string(), z.number())),
});
export type Baseline = z.infer<typeof baselineSchema>;

export type Verdict = "ok" | "regressed" | "new" | "missing";

export interface Comparison {
  readonly bench: string;
  readonly name: string;
  readonly baseline?: number;
  readonly now?: number;
  /** now / baseline − 1: negative is worse (ratios are oriented so that higher is better). */
  readonly change?: number;
  readonly verdict: Verdict;
}

/** The ratios of a run's figures, per benchmark. */
export function ratiosOf(results: Pick<BenchResults, "benches" | "figures">): Baseline["ratios"] {
  const ratio = new Map(results.figures.map((f) => [f.name, f.ratio]));
  return Object.fromEntries(
    results.benches.map((bench) => [
      bench.name,
      Object.fromEntries(
        bench.figures.flatMap((name) => {
          const value = ratio.get(name);
          return value === undefined ? [] : [[name, value]];
        }),
      ),
    ]),
  );
}

/**
 * Each baseline ratio of the benchmarks that ran against the run's. A figure the baseline has and the run lacks
 * (its benchmark failed, or no longer reports it) counts as missing, which fails the check like a regression.
 */
export function compare(
  results: Pick<BenchResults, "benches" | "figures">,
  baseline: Baseline,
): Comparison[] {
  const now = ratiosOf(results);
  const rows: Comparison[] = [];
  for (const [bench, figures] of Object.entries(now)) {
    const before = baseline.ratios[bench] ?? {};
    for (const [name, was] of Object.entries(before)) {
      const ratio = figures[name];
      if (ratio === undefined) {
        rows.push({ bench, name, baseline: was, verdict: "missing" });
        continue;
      }
      const change = Math.round((ratio / was - 1) * 1000) / 1000;
      rows.push({
        bench,
        name,
        baseline: was,
        now: ratio,
        change,
        verdict: change < -baseline.tolerance ? "regressed" : "ok",
      });
    }
    for (const [name, ratio] of Object.entries(figures)) {
      if (!(name in before)) rows.push({ bench, name, now: ratio, verdict: "new" });
    }
  }
  return rows;
}

/** A baseline recording every ratio of a run. */
export function baselineOf(results: Pick<BenchResults, "benches" | "figures">, note?: string): Baseline {
  return {
    ...(note ? { note } : {}),
    recordedAt: new Date().toISOString(),
    tolerance: TOLERANCE,
    ratios: ratiosOf(results),
  };
}
