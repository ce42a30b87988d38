// `npm run fuzz:api [--runs N] [--seed N] [--only <path part>]`: the long API fuzz (not part of `npm test`).
// Runs the marketplace's and the executor's fuzz runners one after the other (each starts its own world: real
// PostgreSQL, the devnet, Docker) and prints one JSON document: per service, per route, the status classes,
// every 5xx with its request and every bad 4xx. Exits 1 when any service had a 5xx or a bad 4xx.
import { spawn } from "node:child_process";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const args = process.argv.slice(2);
const runners = { "marketplace-api": "marketplace-api/fuzz/main.ts", executor: "executor/fuzz/main.ts" };

interface Report {
  readonly seconds: number;
  readonly totals: { requests: number; fiveXx: number; violations: number };
}

/** Runs one runner, its progress on our stderr, and resolves to its JSON report. */
function run(script: string): Promise<Report> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(root, script), ...args], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
    });
    // Only the runner's progress lines: the worlds' own structured logs would drown them.
    child.stderr.on("data", (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n"))
        if (!line.startsWith("{") && line) console.error(line);
    });
    child.on("error", reject);
    child.on("close", (code) => {
      try {
        resolve(JSON.parse(out) as Report);
      } catch {
        reject(new Error(`${script} exited ${code} without a report`));
      }
    });
  });
}

const started = performance.now();
const services: Record<string, Report | { error: string }> = {};
// A runner that dies (its service crashed) is a finding of its own; the other's report still prints.
for (const [name, script] of Object.entries(runners))
  services[name] = await run(script).catch((error: Error) => ({ error: error.message }));
const reports = Object.values(services).filter((r): r is Report => "totals" in r);
const crashed = Object.values(services).length - reports.length;
const totals = {
  requests: reports.reduce((n, r) => n + r.totals.requests, 0),
  fiveXx: reports.reduce((n, r) => n + r.totals.fiveXx, 0),
  violations: reports.reduce((n, r) => n + r.totals.violations, 0),
};
const seconds = Math.round((performance.now() - started) / 100) / 10;
console.log(JSON.stringify({ seconds, totals: { ...totals, crashed }, services }, null, 2));
process.exitCode = totals.fiveXx + totals.violations + crashed > 0 ? 1 : 0;
