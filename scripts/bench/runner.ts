// Runs benchmarks as child processes (each its own `tsx` process, as `npm run bench:<name>` runs it), reads the one
// JSON document each prints, and summarises every figure over the runs into one results document.
import { spawn } from "node:child_process";
import { cpus, loadavg, totalmem } from "node:os";
import { performance } from "node:perf_hooks";
import { type Figure, figure } from "@gpuc/platform/bench";
import type { Bench, Sample } from "./suite.ts";

export interface BenchOutcome {
  readonly name: string;
  readonly script: string;
  readonly runs: number;
  readonly seconds: number;
  /** The names of the figures it produced. */
  readonly figures: readonly string[];
  /** The last run's whole report, for the details the figures leave out (breakdowns, query plans). */
  readonly report?: unknown;
  /** Why it produced no figures (the script is missing, failed, or printed no JSON). */
  readonly error?: string;
}

export interface BenchResults {
  readonly generatedAt: string;
  readonly quick: boolean;
  readonly machine: {
    readonly cpus: number;
    readonly cpuModel: string;
    readonly memoryGb: number;
    readonly node: string;
    readonly loadAverage: readonly number[];
  };
  readonly figures: readonly Figure[];
  readonly benches: readonly BenchOutcome[];
}

export interface RunOptions {
  readonly benches: readonly Bench[];
  readonly quick: boolean;
  /** Progress lines (stderr in the CLI). */
  readonly progress: (line: string) => void;
}

export class BenchOutputError extends Error {}

/** The last JSON object a benchmark printed (they may log before it, and may pretty-print it). */
export function lastJsonDocument(stdout: string): unknown {
  const starts = [...stdout.matchAll(/^\{/gm)].map((match) => match.index);
  for (const start of starts.reverse()) {
    try {
      return JSON.parse(stdout.slice(start));
    } catch {
      // Not where the document starts (a log line beginning with "{", or trailing output): try an earlier one.
    }
  }
  throw new BenchOutputError("it printed no JSON document");
}

function runScript(bench: Bench, quick: boolean): Promise<string> {
  const env = { ...process.env, ...bench.env, ...(quick ? bench.quickEnv : {}) };
  return new Promise((resolve, reject) => {
    const child = spawn("npx", ["tsx", bench.script, ...(bench.args ?? [])], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(stdout);
      else
        reject(
          new BenchOutputError(`exited with ${code}: ${stderr.trim().split("\n").slice(-5).join(" | ")}`),
        );
    });
  });
}

/** Figures from the samples of every run: grouped by name, in the order first seen. */
export function summariseSamples(samples: readonly Sample[]): Figure[] {
  const byName = new Map<string, Sample[]>();
  for (const sample of samples) byName.set(sample.name, [...(byName.get(sample.name) ?? []), sample]);
  return [...byName.values()].map((runs) => {
    const first = runs[0]!;
    const baselines = runs.flatMap((run) => (run.baseline ? [run.baseline.value] : []));
    return figure({
      name: first.name,
      unit: first.unit,
      better: first.better,
      samples: runs.map((run) => run.value),
      ...(first.baseline ? { baseline: { name: first.baseline.name, samples: baselines } } : {}),
      ...(first.target === undefined ? {} : { target: first.target }),
    });
  });
}

async function runBench(
  bench: Bench,
  options: RunOptions,
): Promise<{ outcome: BenchOutcome; samples: Sample[] }> {
  const started = performance.now();
  const samples: Sample[] = [];
  let report: unknown;
  const runs = options.quick ? 1 : bench.runs;
  const seconds = () => Math.round((performance.now() - started) / 100) / 10;
  try {
    for (let run = 1; run <= runs; run++) {
      options.progress(`${bench.name}: run ${run}/${runs} (${bench.script})`);
      report = lastJsonDocument(await runScript(bench, options.quick));
      samples.push(...bench.read(report));
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    options.progress(`${bench.name}: FAILED — ${reason}`);
    const outcome = { name: bench.name, script: bench.script, runs, seconds: seconds(), figures: [], report };
    return { outcome: { ...outcome, error: reason }, samples: [] };
  }
  options.progress(`${bench.name}: done in ${seconds()} s`);
  const figures = [...new Set(samples.map((sample) => sample.name))];
  return {
    outcome: { name: bench.name, script: bench.script, runs, seconds: seconds(), figures, report },
    samples,
  };
}

/** Runs `benches` one after another (they would skew each other's timings side by side). */
export async function runSuite(options: RunOptions): Promise<BenchResults> {
  const outcomes: BenchOutcome[] = [];
  const samples: Sample[] = [];
  for (const bench of options.benches) {
    const result = await runBench(bench, options);
    outcomes.push(result.outcome);
    samples.push(...result.samples);
  }
  return {
    generatedAt: new Date().toISOString(),
    quick: options.quick,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? "unknown",
      memoryGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      loadAverage: loadavg().map((load) => Math.round(load * 100) / 100),
    },
    figures: summariseSamples(samples),
    benches: outcomes,
  };
}
