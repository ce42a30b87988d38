/** Values for the Grafana variables a board's expressions use, when they run outside Grafana. */
export interface GrafanaVariables {
  /** `$__rate_interval`, `$__interval` (default `1m`). */
  readonly interval?: string;
  /** `$__range` (default `1h`). */
  readonly range?: string;
  /** Every other variable (`$job`, `${instance}`): a regex, as multi-value variables expand (default `.*`). */
  readonly other?: string;
}

/**
 * The expression with Grafana's variables replaced, so Prometheus can run it as the board would.
 *
 * @example
 * withVariables('rate(x{job=~"$job"}[$__rate_interval])') // 'rate(x{job=~".*"}[1m])'
 */
export function withVariables(expr: string, variables: GrafanaVariables = {}): string {
  const interval = variables.interval ?? "1m";
  return expr
    .replace(/\$__(rate_interval|interval)\b/g, interval)
    .replace(/\$__range\b/g, variables.range ?? "1h")
    .replace(/\$\{\w+\}|\$\w+/g, variables.other ?? ".*");
}

// Words of PromQL that are not metric names (binary operators, modifiers; functions are told by their "(").
const KEYWORDS = new Set(["and", "or", "unless", "bool", "offset", "inf", "nan"]);

/**
 * The metric names a PromQL expression selects. Label matchers, ranges, strings, grouping clauses and
 * functions are dropped; what remains as a bare identifier is a metric name.
 *
 * @example
 * metricNames('sum by (state) (rate(a_total{x="y"}[5m])) / b') // ["a_total", "b"]
 */
export function metricNames(expr: string): string[] {
  const stripped = withVariables(expr)
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ")
    .replace(/\b(group_left|group_right)\b/g, " ");
  const names = new Set<string>();
  for (const match of stripped.matchAll(/(\d[\w.]*)|([a-zA-Z_:][\w:]*)(\s*\()?/g)) {
    const [, number, word, call] = match;
    if (number || call || !word || KEYWORDS.has(word.toLowerCase())) continue;
    names.add(word);
  }
  return [...names];
}
