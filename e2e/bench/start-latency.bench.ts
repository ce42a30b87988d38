// `npm run bench:start`: how long a rental waits from the block that confirms its escrow to Docker's StartedAt, on
// the real system (devnet here; marketplace and executor as their own processes at their default tick, poll and
// indexer settings; busybox containers), one rental after another, with where the time goes:
//   indexer        the confirming block's timestamp → the marketplace's fundedAt (the indexer saw the escrow)
//   notification   fundedAt → the provider stream's push arriving (a second subscriber, beside the executor's)
//   executorChecks the push → the executor recording the rental (escrow checked on chain, acceptance)
//   dockerCreate   recorded → Docker's Created (image check, container create)
//   dockerStart    Created → Docker's StartedAt
// and, beside the total, runningReported: StartedAt → the provider stream saying Running (the executor's event
// reaching the marketplace, which the consumer then sees).
// Prints one JSON document; `runStartLatencyBench` returns it.
import { execFile } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type CrashSystem, prepareCrashSystem, type RentalRecord, rent } from "@gpuc/crash";
import { createPool, Database } from "@gpuc/platform";
import { MarketplaceClient } from "@gpuc/sdk";

const execFileAsync = promisify(execFile);

export interface StartLatencyOptions {
  /** Rentals measured, one after another (default 20, BENCH_RENTALS; never fewer than 20 for the figure). */
  readonly rentals?: number;
}

interface Sample {
  readonly instanceId: string;
  readonly totalMs: number;
  readonly parts: Record<Part, number>;
  readonly runningReportedMs: number;
}

const PARTS = ["indexer", "notification", "executorChecks", "dockerCreate", "dockerStart"] as const;
type Part = (typeof PARTS)[number];

export interface Percentiles {
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

export interface StartLatencyReport {
  readonly benchmark: "start latency";
  readonly rentals: number;
  readonly settings: string;
  readonly target: { readonly p95Ms: number };
  readonly blockToStartedMs: Percentiles & { readonly min: number };
  readonly breakdownMs: Record<Part, Percentiles>;
  readonly runningReportedMs: Percentiles;
  readonly samples: readonly Sample[];
}

/** The parts' own defaults where the crash system speeds them up: what an operator runs (indexer 250 ms on a devnet). */
const DEFAULTS = {
  executor: { GPUC_TICK_SECONDS: undefined, GPUC_POLL_SECONDS: undefined, GPUC_HEARTBEAT_SECONDS: undefined },
  marketplace: {
    HEARTBEAT_INTERVAL_S: undefined,
    HEARTBEAT_OFFLINE_AFTER: undefined,
    INDEXER_POLL_MS: undefined,
  },
};
const CONSUMERS = 2;

const progress = (line: string) => process.stderr.write(`[start-latency] ${line}\n`);

/** Runs `rentals` rentals through a fresh system and reports the latency from confirming block to StartedAt. */
export async function runStartLatencyBench(options: StartLatencyOptions = {}): Promise<StartLatencyReport> {
  const rentals = Math.max(20, options.rentals ?? 20);
  progress("deploying on a fresh devnet, funding consumers, listing offers");
  const crash = await prepareCrashSystem({ consumers: CONSUMERS, gpus: rentals, env: DEFAULTS });
  const db = new Database(createPool(crash.databaseUrl, { max: 2 }));
  const pushes: Pushes = { funded: new Map(), running: new Map() };
  const observer = new AbortController();
  try {
    await crash.marketplace.start();
    await crash.executor.start();
    const observing = observePushes(crash, pushes, observer.signal);
    // The executor's own stream connects right after its first tick.
    await sleep(3_000);
    const samples: Sample[] = [];
    for (let i = 0; i < rentals; i++) {
      samples.push(await measureOne(crash, db, pushes, i));
      progress(`rental ${i + 1}/${rentals}: ${samples.at(-1)!.totalMs} ms`);
    }
    observer.abort();
    await observing;
    return report(samples);
  } finally {
    observer.abort();
    await db.close();
    await crash.stop();
  }
}

/** When the provider stream first said each rental was Funded, and Running. */
interface Pushes {
  readonly funded: Map<string, number>;
  readonly running: Map<string, number>;
}

async function observePushes(crash: CrashSystem, pushes: Pushes, signal: AbortSignal) {
  const client = new MarketplaceClient({ baseUrl: crash.marketplaceUrl, auth: crash.providerApiKey });
  try {
    for await (const event of client.providerRentalStream(crash.providerId, { signal })) {
      if (event.type !== "changed") continue;
      const seen =
        event.state === "Funded" ? pushes.funded : event.state === "Running" ? pushes.running : undefined;
      if (seen && !seen.has(event.instanceId)) seen.set(event.instanceId, Date.now());
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}

async function measureOne(crash: CrashSystem, db: Database, pushes: Pushes, i: number): Promise<Sample> {
  const consumer = crash.consumers[i % crash.consumers.length]!;
  const record: RentalRecord = {
    spec: { ending: "stop", hours: 1 },
    consumer: consumer.wallet.address,
    paid: false,
  };
  const id = await rent(consumer, record, crash.providerId);
  const ledger = await until(async () => {
    const [row] = await db.query<{ created_at: Date; container_id: string | null; started_at: Date | null }>(
      "SELECT created_at, container_id, started_at FROM executor_rentals WHERE instance_id = $1",
      [id],
    );
    return row?.started_at && row.container_id ? { ...row, containerId: row.container_id } : undefined;
  });
  const instance = await consumer.market.instance(id);
  if (!instance.fundedAt || !instance.escrowBoxId) throw new Error(`rental ${id} runs but is not funded`);
  const blockMs = await confirmingBlockTime(crash, instance.escrowBoxId);
  const docker = await dockerTimes(ledger.containerId);
  const fundedMs = Date.parse(instance.fundedAt);
  const pushedMs = pushes.funded.get(id) ?? fundedMs;
  const reportedMs = await until(async () => pushes.running.get(id), 30_000);
  const recordedMs = ledger.created_at.getTime();
  return {
    instanceId: id,
    totalMs: docker.startedMs - blockMs,
    parts: {
      indexer: fundedMs - blockMs,
      notification: pushedMs - fundedMs,
      executorChecks: recordedMs - pushedMs,
      dockerCreate: docker.createdMs - recordedMs,
      dockerStart: docker.startedMs - docker.createdMs,
    },
    runningReportedMs: reportedMs - docker.startedMs,
  };
}

/** The timestamp of the block holding the escrow's opening box (the node API of the devnet). */
async function confirmingBlockTime(crash: CrashSystem, boxId: string): Promise<number> {
  const node = crash.system.nodeUrl;
  const box = (await (await fetch(`${node}/blockchain/box/byId/${boxId}`)).json()) as {
    inclusionHeight: number;
  };
  const [headerId] = (await (await fetch(`${node}/blocks/at/${box.inclusionHeight}`)).json()) as string[];
  const header = (await (await fetch(`${node}/blocks/${headerId}/header`)).json()) as { timestamp: number };
  return header.timestamp;
}

async function dockerTimes(containerId: string): Promise<{ createdMs: number; startedMs: number }> {
  const { stdout } = await execFileAsync("docker", [
    "inspect",
    "--format",
    "{{.Created}} {{.State.StartedAt}}",
    containerId,
  ]);
  const [created, started] = stdout.trim().split(" ");
  return { createdMs: Date.parse(created!), startedMs: Date.parse(started!) };
}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await sleep(25);
  }
}

function percentiles(values: readonly number[]): Percentiles & { min: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { min: sorted[0]!, p50: at(0.5), p95: at(0.95), max: sorted.at(-1)! };
}

function report(samples: readonly Sample[]): StartLatencyReport {
  const breakdown = Object.fromEntries(
    PARTS.map((part) => {
      const { p50, p95, max } = percentiles(samples.map((sample) => sample.parts[part]));
      return [part, { p50, p95, max }];
    }),
  ) as Record<Part, Percentiles>;
  return {
    benchmark: "start latency",
    rentals: samples.length,
    settings:
      "executor defaults (tick 5 s, rental poll 15 s, push on); marketplace defaults (indexer poll 1000 ms, the devnet's block push on); 500 ms blocks; busybox",
    target: { p95Ms: 1000 },
    blockToStartedMs: percentiles(samples.map((sample) => sample.totalMs)),
    breakdownMs: breakdown,
    runningReportedMs: percentiles(samples.map((sample) => sample.runningReportedMs)),
    samples,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rentals = process.env.BENCH_RENTALS ? Number(process.env.BENCH_RENTALS) : undefined;
  runStartLatencyBench({ rentals }).then(
    (result) => console.log(JSON.stringify(result, null, 2)),
    (error: unknown) => {
      console.error(`bench:start failed: ${(error as Error).stack ?? error}`);
      process.exit(1);
    },
  );
}
