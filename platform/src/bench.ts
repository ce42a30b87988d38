// The shape every benchmark's figures take, and the arithmetic on them: one home, so `npm run bench` can gather
// every benchmark into one document and `npm run bench:check` can compare runs without knowing any of them.

/** Whether a larger value of a figure is an improvement (throughput) or a regression (latency, bytes). */
export type Better = "higher" | "lower";

export interface Summary {
  readonly min: number;
  readonly median: number;
  readonly max: number;
  /** How many samples it summarises. */
  readonly n: number;
}

/**
 * One measured figure. `ratio` is what `bench:check` watches: the median against the figure measured side by side
 * in the same run (`baseline`, e.g. bare pg beside the API), or else against its `target`; oriented so that ≥ 1
 * always meets it (higher-better: median / reference; lower-better: reference / median).
 */
export interface Figure extends Summary {
  readonly name: string;
  readonly unit: string;
  readonly better: Better;
  readonly baseline?: Summary & { readonly name: string };
  readonly target?: number;
  readonly ratio?: number;
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** min / median (mean of the middle two for an even count) / max of `samples`. */
export function summarize(samples: readonly number[], digits = 2): Summary {
  if (samples.length === 0) throw new RangeError("summarize: no samples");
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return {
    min: round(sorted[0]!, digits),
    median: round(median, digits),
    max: round(sorted.at(-1)!, digits),
    n: sorted.length,
  };
}

export interface FigureInput {
  readonly name: string;
  readonly unit: string;
  readonly better: Better;
  readonly samples: readonly number[];
  /** The same work measured side by side, by the reference implementation (`name` says which). */
  readonly baseline?: { readonly name: string; readonly samples: readonly number[] };
  readonly target?: number;
}

/** A figure from its samples; its ratio against the baseline's median, or else the target. */
export function figure(input: FigureInput): Figure {
  const summary = summarize(input.samples);
  const baseline = input.baseline && { name: input.baseline.name, ...summarize(input.baseline.samples) };
  const reference = baseline?.median ?? input.target;
  return {
    name: input.name,
    unit: input.unit,
    better: input.better,
    ...summary,
    ...(baseline ? { baseline } : {}),
    ...(input.target === undefined ? {} : { target: input.target }),
    ...(reference === undefined ? {} : { ratio: orientedRatio(summary.median, reference, input.better) }),
  };
}

/** Ratios are capped so that a figure at zero (no errors, no bytes) still serialises as a number. */
const RATIO_CAP = 1000;

/** median vs reference, ≥ 1 when the median is at least as good as the reference. */
export function orientedRatio(median: number, reference: number, better: Better): number {
  const [good, bad] = better === "higher" ? [median, reference] : [reference, median];
  if (bad === 0) return good === 0 ? 1 : RATIO_CAP;
  return round(Math.min(good / bad, RATIO_CAP), 3);
}
