import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { baselineOf, compare } from "./check.ts";
import { lastJsonDocument, runSuite, summariseSamples } from "./runner.ts";
import type { Bench, Sample } from "./suite.ts";

const sample = (value: number, baseline?: number): Sample => ({
  name: "api: search",
  unit: "req/s",
  better: "higher",
  value,
  ...(baseline === undefined ? {} : { baseline: { name: "bare pg", value: baseline } }),
});

describe("lastJsonDocument", () => {
  it("finds a pretty-printed report after log lines", () => {
    const stdout = `starting\n{"level":"info","msg":"x"} trailing\n{\n  "a": 1,\n  "b": [2]\n}\n`;
    expect(lastJsonDocument(stdout)).toEqual({ a: 1, b: [2] });
  });

  it("says so when a benchmark printed none", () => {
    expect(() => lastJsonDocument("nothing here\n")).toThrow("no JSON document");
  });
});

describe("summariseSamples", () => {
  it("summarises each figure over the runs, its baseline beside it", () => {
    const [figure] = summariseSamples([sample(400, 300), sample(600, 320), sample(500, 310)]);
    expect(figure).toMatchObject({ min: 400, median: 500, max: 600, n: 3, ratio: 1.613 });
    expect(figure?.baseline).toMatchObject({ name: "bare pg", median: 310 });
  });
});

describe("compare", () => {
  const results = (ratio: number | undefined) => ({
    benches: [
      { name: "api", script: "x", runs: 1, seconds: 1, figures: ratio === undefined ? [] : ["api: search"] },
    ],
    figures: ratio === undefined ? [] : summariseSamples([sample(ratio * 100, 100)]),
  });
  const baseline = baselineOf(results(1.5));

  it("passes a ratio within 20 % of the baseline and flags one worse by more", () => {
    expect(compare(results(1.3), baseline)[0]).toMatchObject({ verdict: "ok", change: -0.133 });
    expect(compare(results(1.1), baseline)[0]).toMatchObject({
      verdict: "regressed",
      baseline: 1.5,
      now: 1.1,
    });
  });

  it("never flags an improvement", () => {
    expect(compare(results(3), baseline)[0]?.verdict).toBe("ok");
  });

  it("counts a figure the run no longer produced as missing", () => {
    expect(compare(results(undefined), baseline)[0]).toMatchObject({
      name: "api: search",
      verdict: "missing",
    });
  });

  it("leaves out benchmarks that did not run and notes figures the baseline lacks", () => {
    const other = { ...baseline, ratios: { devnet: { "devnet: submit": 0.5 } } };
    expect(compare(results(1.5), other)).toEqual([
      { bench: "api", name: "api: search", now: 1.5, verdict: "new" },
    ]);
  });
});

describe("runSuite", () => {
  it("runs each benchmark as its own process and gathers its figures into one document", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gpuc-bench-"));
    const script = join(dir, "tiny.bench.ts");
    writeFileSync(
      script,
      `console.log("warming up");\nconsole.log(JSON.stringify({ ours: 30, theirs: 20 }, null, 2));\n`,
    );
    const broken = join(dir, "broken.bench.ts");
    writeFileSync(broken, `console.error("no database"); process.exit(3);\n`);
    const read = (report: unknown): Sample[] => {
      const r = report as { ours: number; theirs: number };
      return [{ ...sample(r.ours, r.theirs), name: "tiny" }];
    };
    const benches: Bench[] = [
      { name: "tiny", script, runs: 2, check: true, read },
      { name: "broken", script: broken, runs: 1, check: true, read },
    ];
    const lines: string[] = [];
    const results = await runSuite({ benches, quick: false, progress: (line) => lines.push(line) });
    expect(results.figures).toEqual([
      expect.objectContaining({ name: "tiny", median: 30, n: 2, ratio: 1.5 }),
    ]);
    expect(results.benches[0]).toMatchObject({
      name: "tiny",
      runs: 2,
      figures: ["tiny"],
      report: { ours: 30 },
    });
    expect(results.benches[1]?.error).toMatch(/exited with 3: .*no database/);
    expect(lines).toContain(`tiny: run 2/2 (${script})`);
  }, 60_000);
});
