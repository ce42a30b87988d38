// `npm run bench`: every benchmark, one results document (bench-results.json).
// `npm run bench:check`: a short run (the benchmarks marked `check`, quick settings) compared with the committed
// baseline ratios (bench-baseline.json); exits 1 when a ratio is worse by more than the tolerance.
//
//   npm run bench [-- --quick] [-- --only api,devnet] [-- --out file.json]
//   npm run bench:check [-- --results bench-results.json] [-- --record]
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { baselineOf, baselineSchema, type Comparison, compare } from "./check.ts";
import { type BenchResults, runSuite } from "./runner.ts";
import { BENCHES } from "./suite.ts";

const BASELINE_FILE = "bench-baseline.json";
const progress = (line: string) => process.stderr.write(`[bench] ${line}\n`);

class UsageError extends Error {}

function selected(only: string | undefined, checkOnly: boolean) {
  if (!only) return BENCHES.filter((bench) => !checkOnly || bench.check);
  const names = only.split(",").map((name) => name.trim());
  const unknown = names.filter((name) => !BENCHES.some((bench) => bench.name === name));
  if (unknown.length > 0) {
    throw new UsageError(
      `unknown benchmark ${unknown.join(", ")}; known: ${BENCHES.map((b) => b.name).join(", ")}`,
    );
  }
  return BENCHES.filter((bench) => names.includes(bench.name));
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

function printFigures(results: BenchResults): void {
  const rows = results.figures.map((f) => [
    f.name,
    `${f.min} / ${f.median} / ${f.max} ${f.unit}`,
    f.baseline
      ? `${f.baseline.median} (${f.baseline.name})`
      : f.target === undefined
        ? ""
        : `target ${f.target}`,
    f.ratio === undefined ? "" : `${f.ratio}×${f.ratio >= 1 ? "" : "  (short)"}`,
  ]);
  process.stderr.write(
    `${table([["figure", "min / median / max", "baseline / target", "ratio"], ...rows])}\n`,
  );
  for (const bench of results.benches.filter((b) => b.error))
    progress(`${bench.name} failed: ${bench.error}`);
}

function printComparison(rows: readonly Comparison[]): void {
  const format = (value?: number) => (value === undefined ? "—" : String(value));
  const body = rows.map((row) => [
    `${row.bench}: ${row.name}`,
    format(row.baseline),
    format(row.now),
    row.change === undefined ? "" : `${row.change >= 0 ? "+" : ""}${Math.round(row.change * 1000) / 10} %`,
    row.verdict,
  ]);
  process.stderr.write(`${table([["figure", "baseline ratio", "now", "change", "verdict"], ...body])}\n`);
}

async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { quick: { type: "boolean" }, only: { type: "string" }, out: { type: "string" } },
  });
  const out = values.out ?? "bench-results.json";
  const results = await runSuite({
    benches: selected(values.only, false),
    quick: values.quick ?? false,
    progress,
  });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  printFigures(results);
  progress(`wrote ${out}`);
  return results.benches.some((bench) => bench.error) ? 1 : 0;
}

async function check(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { results: { type: "string" }, record: { type: "boolean" }, only: { type: "string" } },
  });
  const results: BenchResults = values.results
    ? (JSON.parse(readFileSync(values.results, "utf8")) as BenchResults)
    : await runSuite({ benches: selected(values.only, true), quick: true, progress });
  if (values.record) {
    const baseline = baselineOf(
      results,
      "quick run of the `check` benchmarks: npm run bench:check -- --record",
    );
    writeFileSync(BASELINE_FILE, `${JSON.stringify(baseline, null, 2)}\n`);
    progress(`recorded ${BASELINE_FILE}`);
    return 0;
  }
  const baseline = baselineSchema.parse(JSON.parse(readFileSync(BASELINE_FILE, "utf8")));
  const rows = compare(results, baseline);
  printComparison(rows);
  const failed = rows.filter((row) => row.verdict === "regressed" || row.verdict === "missing");
  for (const bench of results.benches.filter((b) => b.error))
    progress(`${bench.name} failed: ${bench.error}`);
  if (failed.length === 0) {
    progress(`no ratio worse than the baseline by more than ${baseline.tolerance * 100} %`);
    return 0;
  }
  progress(`${failed.length} figure(s) regressed or missing: ${failed.map((row) => row.name).join("; ")}`);
  return 1;
}

const [command, ...rest] = process.argv.slice(2);
try {
  if (command !== "run" && command !== "check") throw new UsageError("usage: main.ts run|check [options]");
  process.exitCode = await (command === "run" ? run(rest) : check(rest));
} catch (error) {
  progress(error instanceof Error ? error.message : String(error));
  process.exitCode = 2;
}
