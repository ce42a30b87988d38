// The benchmarks `npm run bench` runs, and how each one's JSON report becomes figures. A benchmark stays a plain
// script that prints one JSON document (so `npm run bench:<name>` alone still works); its reader here picks the
// headline figures out of it and pairs each with the baseline it was measured beside, or its target.
import { DEFAULT_CLAIM_POLICY } from "@gpuc/executor";
import type { Better } from "@gpuc/platform/bench";
import * as z from "zod";

/** One run's value of one figure, before the runner summarises the runs. */
export interface Sample {
  readonly name: string;
  readonly unit: string;
  readonly better: Better;
  readonly value: number;
  readonly baseline?: { readonly name: string; readonly value: number };
  readonly target?: number;
}

export interface Bench {
  readonly name: string;
  /** The script, relative to the repository root; run with tsx. */
  readonly script: string;
  readonly args?: readonly string[];
  /** How many times the runner runs it (a bench that samples internally runs once). */
  readonly runs: number;
  /** Environment of a full run and of a quick one (`--quick`, what `bench:check` runs). */
  readonly env?: Readonly<Record<string, string>>;
  readonly quickEnv?: Readonly<Record<string, string>>;
  /** Part of `bench:check`'s short run. */
  readonly check: boolean;
  readonly read: (report: unknown) => Sample[];
}

/** Ergo's current maximum block size (the `maxBlockSize` parameter voted on mainnet), bytes. */
export const MAX_BLOCK_BYTES = 1_271_009;

const rate = z.looseObject({ txPerSec: z.number() });
const devnetReport = z.looseObject({ httpSubmit: rate, inProcessSubmit: rate, rawValidateTx: rate });

const apiReport = z.looseObject({
  gpus: z.number(),
  api: z.looseObject({
    requestsPerSec: z.number(),
    p50Ms: z.number(),
    p99Ms: z.number(),
    non2xx: z.number(),
  }),
  barePg: z.looseObject({ requestsPerSec: z.number(), p99Ms: z.number() }),
});

const contractsReport = z.looseObject({
  actionBudget: z.number(),
  actions: z.array(z.looseObject({ action: z.string(), bytes: z.number(), cost: z.number() })),
  batchedClaims: z.array(
    z.looseObject({ escrows: z.number(), bytes: z.number(), withinTxLimits: z.boolean() }),
  ),
});

const scrapeReport = z.looseObject({
  coldMs: z.looseObject({ median: z.number() }),
  cachedMs: z.looseObject({ median: z.number() }),
});

const timing = z.looseObject({ median: z.number(), target: z.number() });
const cliReport = z.looseObject({ commands: z.record(z.string(), timing) });

const budgeted = z.looseObject({ median: z.number() });
const webReport = z.looseObject({
  budgets: z.looseObject({
    firstPageJsGzipKb: z.number(),
    interactiveMs: z.number(),
    renderAfterResponseMs: z.number(),
  }),
  firstPageJs: z.looseObject({ gzipKb: z.number() }),
  interactiveMs: budgeted,
  renderAfterResponseMs: budgeted,
});

const startReport = z.looseObject({
  rentals: z.number(),
  blockToStartedMs: z.looseObject({ p50: z.number(), p95: z.number(), max: z.number() }),
});

const footprintReport = z.looseObject({
  parts: z.array(
    z.looseObject({
      name: z.string(),
      rssMb: z.number(),
      cpuPct: z.number(),
      targetRssMb: z.number(),
      targetCpuPct: z.number().optional(),
    }),
  ),
});

const loadReport = z.looseObject({
  settings: z.looseObject({ rentals: z.number(), executors: z.number() }),
  startedPerSec: z.looseObject({ overall: z.number() }),
  apiMs: z.looseObject({ all: z.looseObject({ p99: z.number() }) }),
  settlement: z.looseObject({ lost: z.number(), doubled: z.number(), unbalancedTxs: z.number() }),
});

const higher = (name: string, unit: string, value: number, baseline?: Sample["baseline"]): Sample => ({
  name,
  unit,
  better: "higher",
  value,
  ...(baseline ? { baseline } : {}),
});
const lower = (name: string, unit: string, value: number, target?: number): Sample => ({
  name,
  unit,
  better: "lower",
  value,
  ...(target === undefined ? {} : { target }),
});

function readContracts(report: unknown): Sample[] {
  const r = contractsReport.parse(report);
  const largest = r.batchedClaims.filter((batch) => batch.withinTxLimits).at(-1);
  if (!largest) throw new Error("contracts bench: no batched claim fits a transaction");
  const close = r.actions.find((action) => action.action === "escrow: provider close");
  if (!close) throw new Error("contracts bench: no provider close measured");
  // A claim's size does not depend on how many periods it claims: the executor's default policy claims a rental
  // every `afterPeriods` periods, so each claimed escrow's bytes carry that many rental-hours.
  const { afterPeriods } = DEFAULT_CLAIM_POLICY;
  const perRentalHour = largest.bytes / largest.escrows / afterPeriods;
  const heaviest = Math.max(...r.actions.map((action) => action.cost));
  const policy = `claim every ${afterPeriods} periods, ${largest.escrows} escrows a claim`;
  return [
    lower(`contracts: claim bytes per rental-hour (${policy})`, "bytes", Math.round(perRentalHour), 150),
    {
      ...higher(
        `contracts: rental-hours settled per block (${policy})`,
        "rental-hours",
        Math.floor(MAX_BLOCK_BYTES / perRentalHour),
      ),
      target: 10_000,
    },
    // A rental no longer than the policy's interval is settled by its provider close alone.
    lower(
      `contracts: a ${afterPeriods}-hour rental's provider close, bytes per rental-hour`,
      "bytes",
      Math.round(close.bytes / afterPeriods),
      150,
    ),
    lower("contracts: heaviest action cost", "block-cost units", heaviest, r.actionBudget),
  ];
}

function readDevnet(report: unknown): Sample[] {
  const r = devnetReport.parse(report);
  const raw = { name: "raw ergo-lib validate_tx", value: r.rawValidateTx.txPerSec };
  return [
    higher("devnet: HTTP submit", "tx/s", r.httpSubmit.txPerSec, raw),
    higher("devnet: in-process submit", "tx/s", r.inProcessSubmit.txPerSec, raw),
  ];
}

function readApi(report: unknown): Sample[] {
  const r = apiReport.parse(report);
  if (r.api.non2xx > 0) throw new Error(`api bench: ${r.api.non2xx} responses were not 2xx`);
  const offers = `${r.gpus.toLocaleString("en")} offers`;
  return [
    higher(`api: GET /gpus over ${offers}`, "req/s", r.api.requestsPerSec, {
      name: "the same query on bare pg",
      value: r.barePg.requestsPerSec,
    }),
    lower(`api: GET /gpus p99 over ${offers}`, "ms", r.api.p99Ms, 10),
  ];
}

function readScrape(report: unknown): Sample[] {
  const r = scrapeReport.parse(report);
  return [
    lower("marketplace: /metrics scrape, cold", "ms", r.coldMs.median, 20),
    lower("marketplace: /metrics scrape, cached", "ms", r.cachedMs.median, 20),
  ];
}

function readCli(report: unknown): Sample[] {
  const r = cliReport.parse(report);
  return Object.entries(r.commands).map(([command, t]) => lower(`cli: ${command}`, "ms", t.median, t.target));
}

function readWeb(report: unknown): Sample[] {
  const r = webReport.parse(report);
  return [
    lower("web: first page JS, gzipped", "KB", r.firstPageJs.gzipKb, r.budgets.firstPageJsGzipKb),
    lower("web: first page interactive", "ms", r.interactiveMs.median, r.budgets.interactiveMs),
    lower(
      "web: search rendered after its response",
      "ms",
      r.renderAfterResponseMs.median,
      r.budgets.renderAfterResponseMs,
    ),
  ];
}

function readStart(report: unknown): Sample[] {
  const r = startReport.parse(report);
  return [
    lower(
      `start: confirming block → StartedAt p95 (${r.rentals} rentals)`,
      "ms",
      r.blockToStartedMs.p95,
      1000,
    ),
  ];
}

function readFootprint(report: unknown): Sample[] {
  return footprintReport
    .parse(report)
    .parts.flatMap((part) => [
      lower(`footprint: ${part.name} RSS`, "MB", part.rssMb, part.targetRssMb),
      lower(`footprint: ${part.name} CPU`, "% of a core", part.cpuPct, part.targetCpuPct),
    ]);
}

function readLoad(report: unknown): Sample[] {
  const r = loadReport.parse(report);
  const { lost, doubled, unbalancedTxs } = r.settlement;
  if (lost || doubled || unbalancedTxs)
    throw new Error(
      `load bench: ${lost} escrows lost, ${doubled} doubled, ${unbalancedTxs} unbalanced transactions`,
    );
  const size = `${r.settings.rentals} rentals, ${r.settings.executors} executors`;
  return [
    higher(`load: rentals started per second (${size})`, "rentals/s", r.startedPerSec.overall),
    lower(`load: API p99 under load (${size})`, "ms", r.apiMs.all.p99),
  ];
}

/** Every benchmark, cheapest first. */
export const BENCHES: readonly Bench[] = [
  {
    name: "contracts",
    script: "offchain/bench/contracts.bench.ts",
    runs: 1,
    check: true,
    read: readContracts,
  },
  {
    name: "devnet",
    script: "devnet/bench/devnet.bench.ts",
    runs: 3,
    quickEnv: { BENCH_TRANSFERS: "300" },
    check: true,
    read: readDevnet,
  },
  {
    name: "api",
    script: "marketplace-api/bench/api.bench.ts",
    runs: 3,
    quickEnv: { BENCH_DURATION_S: "2" },
    check: true,
    read: readApi,
  },
  { name: "scrape", script: "dashboards/bench/scrape.bench.ts", runs: 1, check: false, read: readScrape },
  {
    name: "cli",
    script: "cli/bench/cli.bench.ts",
    runs: 1,
    quickEnv: { BENCH_RUNS: "3" },
    check: false,
    read: readCli,
  },
  {
    name: "web",
    script: "web/bench/web.bench.ts",
    runs: 1,
    quickEnv: { BENCH_RUNS: "3" },
    check: false,
    read: readWeb,
  },
  { name: "start", script: "e2e/bench/start-latency.bench.ts", runs: 1, check: false, read: readStart },
  {
    name: "footprint",
    script: "crash/bench/footprint.bench.ts",
    runs: 1,
    check: false,
    read: readFootprint,
  },
  {
    name: "load",
    script: "crash/bench/load.bench.ts",
    runs: 1,
    quickEnv: { BENCH_QUICK: "1" },
    check: false,
    read: readLoad,
  },
];
