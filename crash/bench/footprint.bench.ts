// `npm run bench:footprint`: what the long-running parts cost the machine they run on. The marketplace and the
// executor run as their own processes (as `gpuc-marketplace` / `gpuc-executor` run them) at their default tick, poll
// and heartbeat settings, on the devnet; their resident memory (VmRSS) and CPU (utime + stime) are sampled from
// /proc while idle, then with 10 rentals running (busybox containers). Prints one JSON document.
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { summarize } from "@gpuc/platform/bench";
import type { ChildPart } from "../src/child-part.ts";
import { type RentalRecord, rent, waitFor } from "../src/rentals.ts";
import { prepareCrashSystem } from "../src/system.ts";

const SETTLE_S = Number(process.env.BENCH_SETTLE_S ?? 20);
const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 30);
const RENTALS = 10;
/** `getconf CLK_TCK`: the unit of /proc/<pid>/stat's CPU times (100 on every Linux this runs on). */
const CLOCK_TICKS = 100;

/** The parts' own defaults, not the crash test's fast settings: what an operator would run. */
const DEFAULTS = {
  executor: {
    GPUC_TICK_SECONDS: undefined,
    GPUC_POLL_SECONDS: undefined,
    GPUC_HEARTBEAT_SECONDS: undefined,
    GPUC_CLAIM_AFTER_PERIODS: undefined,
    GPUC_CLAIM_LAST_PERIOD: undefined,
    ...(process.env.BENCH_EXECUTOR_NODE_OPTIONS
      ? { NODE_OPTIONS: process.env.BENCH_EXECUTOR_NODE_OPTIONS }
      : {}),
  },
  marketplace: {
    HEARTBEAT_INTERVAL_S: undefined,
    HEARTBEAT_OFFLINE_AFTER: undefined,
    INDEXER_POLL_MS: undefined,
  },
};

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

function cpuTicks(pid: number): number {
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15 of the whole line.
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

interface Usage {
  readonly rssMb: ReturnType<typeof summarize>;
  readonly cpuPct: number;
}

/** Samples each part's RSS every second for WINDOW_S, and its CPU share over the window. */
async function sample(parts: readonly ChildPart[]): Promise<Usage[]> {
  const pids = parts.map((part) => {
    if (part.pid === undefined) throw new Error(`${part.name} is not running`);
    return part.pid;
  });
  const rss: number[][] = pids.map(() => []);
  const ticksBefore = pids.map(cpuTicks);
  const started = performance.now();
  for (let second = 0; second < WINDOW_S; second++) {
    for (const [i, pid] of pids.entries()) rss[i]!.push(rssMb(pid));
    await sleep(1000);
  }
  const elapsedS = (performance.now() - started) / 1000;
  return pids.map((pid, i) => ({
    rssMb: summarize(rss[i]!, 1),
    cpuPct: Math.round(((cpuTicks(pid) - ticksBefore[i]!) / CLOCK_TICKS / elapsedS) * 1000) / 10,
  }));
}

const progress = (line: string) => process.stderr.write(`[footprint] ${line}\n`);

progress("deploying on a fresh devnet, funding consumers, listing offers");
// Bundled on plain node, as the bins run them (BENCH_RUNTIME=tsx measures the sources through tsx's loader).
const runtime = process.env.BENCH_RUNTIME === "tsx" ? "tsx" : "bundle";
const crash = await prepareCrashSystem({ consumers: RENTALS, gpus: RENTALS, env: DEFAULTS, runtime });
try {
  await crash.marketplace.start();
  await crash.executor.start();
  progress(`both parts up; settling ${SETTLE_S} s, then sampling ${WINDOW_S} s idle`);
  await sleep(SETTLE_S * 1000);
  const [marketIdle, executorIdle] = await sample([crash.marketplace, crash.executor]);

  progress(`renting ${RENTALS} GPUs`);
  const records: RentalRecord[] = crash.consumers.map((ctx) => ({
    spec: { ending: "stop", hours: 24 },
    consumer: ctx.wallet.address,
    paid: false,
  }));
  const ids = await Promise.all(
    records.map((record, i) => rent(crash.consumers[i]!, record, crash.providerId)),
  );
  await Promise.all(
    ids.map((id, i) => waitFor(crash.consumers[i]!, id, (instance) => instance.state === "Running", 300_000)),
  );
  progress(`${RENTALS} rentals running; settling ${SETTLE_S} s, then sampling ${WINDOW_S} s`);
  await sleep(SETTLE_S * 1000);
  const [, executorBusy] = await sample([crash.marketplace, crash.executor]);

  const part = (name: string, usage: Usage, targetRssMb: number, targetCpuPct?: number) => ({
    name,
    rssMb: usage.rssMb.max,
    rssSamplesMb: usage.rssMb,
    cpuPct: usage.cpuPct,
    targetRssMb,
    ...(targetCpuPct === undefined ? {} : { targetCpuPct }),
  });
  console.log(
    JSON.stringify(
      {
        benchmark: "footprint of the long-running parts",
        windowS: WINDOW_S,
        runtime,
        settings: "each part's defaults (tick, poll, heartbeat); billing hour of the crash system (12 s)",
        note: "rssMb is the largest VmRSS sample of the window; cpuPct is the share of one core over the window",
        parts: [
          part("executor idle", executorIdle!, 80, 1),
          part(`executor with ${RENTALS} running rentals`, executorBusy!, 120),
          part("marketplace idle", marketIdle!, 150),
        ],
      },
      null,
      2,
    ),
  );
} finally {
  await crash.stop();
}
