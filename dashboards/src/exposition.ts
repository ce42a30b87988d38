/**
 * Every series name a Prometheus text exposition can produce: each `# TYPE` family (with `_bucket`, `_sum`,
 * `_count` for histograms, `_sum` and `_count` for summaries) and each sample line. Families without samples yet
 * (labelled metrics nobody set) count too: their series appear once set.
 */
export function exposedMetricNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split("\n")) {
    const typed = /^# TYPE (\S+) (\w+)/.exec(line);
    if (typed) {
      const [, family = "", type] = typed;
      names.add(family);
      for (const suffix of SUFFIXES[type ?? ""] ?? []) names.add(`${family}${suffix}`);
      continue;
    }
    const sample = /^([a-zA-Z_:][\w:]*)[{ ]/.exec(line);
    if (sample?.[1]) names.add(sample[1]);
  }
  return names;
}

const SUFFIXES: Readonly<Record<string, readonly string[]>> = {
  histogram: ["_bucket", "_sum", "_count"],
  summary: ["_sum", "_count"],
};
