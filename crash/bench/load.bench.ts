// `npm run bench:load`: a load run through the real system. The devnet here, the marketplace and ≥ 10 executors as
// their own processes (each executor a provider with its own wallet, stake, offers and ledger database), consumers
// renting busybox containers for one short billing hour (12 s) and stopping each a few seconds after it runs, so it
// settles by the provider's close. Every offer takes one rental at a time: at most `perExecutor` (default 10) run on
// an executor at once. Reports rentals started per second, the API's latency under that load (every call the
// consumers make, timed from their side), and settlement read from the chain's blocks (never the services'
// databases): one escrow per rental, every escrow closed, provider + treasury + refund = the escrow's GPUC, no period
// paid twice. Prints one JSON document; exits 1 when a rental failed to run or any GPUC was lost or paid twice.
// Env: BENCH_RENTALS (1000), BENCH_EXECUTORS (10), BENCH_PER_EXECUTOR (10), BENCH_CONSUMERS (2 per executor),
// BENCH_RUN_S (seconds a rental runs before its stop, 2), BENCH_QUICK=1 (40 rentals on 2 executors).
import { monitorEventLoopDelay } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import type { Gpuc } from "@gpuc/cli";
import { type Summary, summarize } from "@gpuc/platform/bench";
import { ENDED_STATES, formatGpuc, GPUC_UNIT, type Instance, isOneOf, ProblemError } from "@gpuc/sdk";
import { auditChain, type ChainAudit } from "../src/audit.ts";
import type { ChildPart } from "../src/child-part.ts";
import { addProviders, type ExtraProvider, stopProviders } from "../src/providers.ts";
import { retrying, transient } from "../src/rentals.ts";
import { type CrashSystem, PERIOD_SECONDS, prepareCrashSystem } from "../src/system.ts";

export interface LoadOptions {
  /** Rentals made in all (default 1000). */
  readonly rentals?: number;
  /** Executor processes, one provider each (default 10). */
  readonly executors?: number;
  /** Offers each provider lists: how many rentals one executor runs at once (default 10). */
  readonly perExecutor?: number;
  /** Consumer wallets renting side by side, each one rental after another (default 2 per executor). */
  readonly consumers?: number;
  /** Seconds a rental runs before its consumer stops it (default 2). */
  readonly runSeconds?: number;
}

/** The quick mode's size, for development and the spec. */
export const QUICK: LoadOptions = { rentals: 40, executors: 2 };

/** Latency of one kind of API call, ms. */
export interface Latency extends Summary {
  readonly p99: number;
}

export interface LoadReport {
  readonly benchmark: "load";
  readonly settings: Required<LoadOptions> & { readonly billingHourS: number; readonly pollMs: number };
  readonly wallS: {
    readonly setup: number;
    readonly load: number;
    readonly audit: number;
    readonly total: number;
  };
  readonly rentals: {
    readonly made: number;
    readonly started: number;
    readonly ended: number;
    readonly endStates: Record<string, number>;
    readonly errors: readonly string[];
  };
  /** Rentals seen Running per second: over the whole load phase, and in each 10 s window of it. */
  readonly startedPerSec: { readonly overall: number; readonly windows10s: Summary };
  /** Most rentals running at once (seen by the consumers' polls). */
  readonly peakRunning: number;
  /** Funding submitted → seen Running, and stop → seen ended (settled), ms. */
  readonly rentalMs: { readonly fundedToRunning: Summary; readonly stopToEnded: Summary };
  /** Every API call of the consumers, timed from their side (includes their own event loop's delays). */
  readonly apiMs: {
    readonly all: Latency;
    readonly byCall: Record<string, Latency & { readonly errors: number }>;
  };
  /**
   * The bench process's own event-loop delay over the load (it signs every escrow with ergo-lib): how much of an
   * API latency above may be the caller's wait, not the marketplace's.
   */
  readonly benchEventLoopDelayMs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly settlement: Settlement;
  readonly ok: boolean;
}

export interface Settlement {
  readonly escrows: number;
  readonly closed: number;
  /** provider + treasury + consumer refund = the escrow's GPUC, on chain. */
  readonly balanced: number;
  /** Paid rentals with no escrow on chain, one still open, or paid out less than it held. */
  readonly lost: number;
  /** More than one escrow for a rental, a period paid twice, or paid out more than it held. */
  readonly doubled: number;
  /** Escrow-spending transactions whose released GPUC ≠ what the parties gained. */
  readonly unbalancedTxs: number;
  readonly escrowedGpuc: string;
  readonly toProviderAndTreasuryGpuc: string;
  readonly refundedGpuc: string;
}

/** The consumers' poll of their rentals' state (one GET a rental each time). */
const POLL_MS = 1000;
const IMAGE = "gpuc/busybox:test";
const SLEEPER = ["sh", "-c", "sleep 600"];
/** How long a rental may take to run, and then to settle, before the bench gives up on it. */
const STEP_TIMEOUT_MS = 600_000;
const PROGRESS_MS = 5000;

const progress = (line: string) => process.stderr.write(`[load] ${line}\n`);
const seconds = (ms: number) => Math.round(ms / 100) / 10;

interface Offer {
  readonly id: string;
  readonly providerId: string;
}

/** One rental as its consumer saw it. */
interface LoadRental {
  readonly index: number;
  id?: string;
  paid: boolean;
  fundedAt?: number;
  runningAt?: number;
  stoppedAt?: number;
  endedAt?: number;
  state?: string;
  error?: string;
}

/** Runs the load and the on-chain audit on a fresh system; resolves to the report (ok false when money went wrong). */
export async function runLoadBench(options: LoadOptions = {}): Promise<LoadReport> {
  const settings = {
    rentals: options.rentals ?? 1000,
    executors: options.executors ?? 10,
    perExecutor: options.perExecutor ?? 10,
    consumers: options.consumers ?? 2 * (options.executors ?? 10),
    runSeconds: options.runSeconds ?? 2,
  };
  const began = Date.now();
  // Each consumer makes its share one after another; a stopped one-hour rental may cost its whole hour.
  const share = Math.ceil(settings.rentals / settings.consumers);
  progress(
    `deploying on a fresh devnet, funding ${settings.consumers} consumers (${share + 3} GPUC each), listing offers`,
  );
  const crash = await prepareCrashSystem({
    consumers: settings.consumers,
    gpus: settings.perExecutor,
    consumerGpuc: BigInt(share + 3) * GPUC_UNIT,
  });
  let extra: ExtraProvider[] = [];
  try {
    await crash.marketplace.start();
    progress(`adding ${settings.executors - 1} more providers`);
    extra = await addProviders(crash, { count: settings.executors - 1, gpus: settings.perExecutor });
    await startAll([crash.executor, ...extra.map((provider) => provider.executor)]);
    const providers = new Set([crash.providerId, ...extra.map((provider) => provider.providerId)]);
    const offers = await onlineOffers(
      crash.consumers[0]!,
      providers,
      settings.executors * settings.perExecutor,
    );
    const setupS = seconds(Date.now() - began);
    progress(`${providers.size} executors, ${offers.length} offers online after ${setupS} s; renting`);
    const load = new Load(crash, settings, offers);
    const loadStart = Date.now();
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    await load.run();
    loopDelay.disable();
    const loadS = seconds(Date.now() - loadStart);
    progress(`every rental ended after ${loadS} s; auditing the chain`);
    const auditStart = Date.now();
    const audit = await settledAudit(crash);
    const settlement = settle(load.records, audit);
    return report({
      settings,
      load,
      loadStart,
      settlement,
      loopDelayMs: {
        p50: Math.round(loopDelay.percentile(50) / 1e5) / 10,
        p99: Math.round(loopDelay.percentile(99) / 1e5) / 10,
        max: Math.round(loopDelay.max / 1e5) / 10,
      },
      wallS: {
        setup: setupS,
        load: loadS,
        audit: seconds(Date.now() - auditStart),
        total: seconds(Date.now() - began),
      },
    });
  } finally {
    await stopProviders(extra);
    await crash.stop();
  }
}

/** Starts the executors two at a time (two cores: ten tsx processes at once could miss their ready timeout). */
async function startAll(executors: readonly ChildPart[]): Promise<void> {
  for (let i = 0; i < executors.length; i += 2) {
    await Promise.all(executors.slice(i, i + 2).map((executor) => executor.start()));
    progress(`executors started: ${Math.min(i + 2, executors.length)}/${executors.length}`);
  }
}

/** Waits for every offer of the providers to be online and free (their executors' first heartbeats). */
async function onlineOffers(ctx: Gpuc, providers: Set<string>, expected: number): Promise<Offer[]> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const found: Offer[] = [];
    for (let page = 1; ; page++) {
      const { items } = await ctx.market.searchGpus({ available: true, limit: 100, page });
      found.push(...items.filter((offer) => providers.has(offer.providerId)));
      if (items.length < 100) break;
    }
    if (found.length >= expected) return interleave(found);
    if (Date.now() > deadline) throw new Error(`only ${found.length} of ${expected} offers came online`);
    await sleep(1000);
  }
}

/** One offer of each provider in turn, so that the first rentals spread over every executor. */
function interleave(offers: readonly Offer[]): Offer[] {
  const byProvider = new Map<string, Offer[]>();
  for (const offer of offers)
    byProvider.set(offer.providerId, [...(byProvider.get(offer.providerId) ?? []), offer]);
  const lists = [...byProvider.values()];
  const out: Offer[] = [];
  for (let i = 0; out.length < offers.length; i++)
    for (const list of lists) if (list[i]) out.push({ id: list[i]!.id, providerId: list[i]!.providerId });
  return out;
}

/** Free offers; a rental takes one (waiting while none is free) and gives it back when it has ended. */
class OfferPool {
  readonly #free: Offer[];
  readonly #waiting: ((offer: Offer) => void)[] = [];

  constructor(offers: readonly Offer[]) {
    this.#free = [...offers];
  }

  get free(): number {
    return this.#free.length;
  }

  take(): Promise<Offer> {
    const offer = this.#free.shift();
    return offer ? Promise.resolve(offer) : new Promise((resolve) => this.#waiting.push(resolve));
  }

  give(offer: Offer): void {
    const waiter = this.#waiting.shift();
    if (waiter) waiter(offer);
    else this.#free.push(offer);
  }
}

/** The API calls' latencies, by call, with the failed ones counted. */
class ApiTimer {
  readonly samples = new Map<string, number[]>();
  readonly errors = new Map<string, number>();

  async time<T>(call: string, run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await run();
    } catch (error) {
      this.errors.set(call, (this.errors.get(call) ?? 0) + 1);
      throw error;
    } finally {
      const list = this.samples.get(call) ?? [];
      list.push(performance.now() - started);
      this.samples.set(call, list);
    }
  }
}

type Settings = Required<LoadOptions>;

/** The load phase: every consumer rents its share one after another; each rental then runs, stops and settles. */
class Load {
  readonly records: LoadRental[] = [];
  readonly api = new ApiTimer();
  readonly #pool: OfferPool;
  readonly #lifecycles: Promise<void>[] = [];
  running = 0;
  peakRunning = 0;

  constructor(
    readonly crash: CrashSystem,
    readonly settings: Settings,
    offers: readonly Offer[],
  ) {
    this.#pool = new OfferPool(offers);
  }

  async run(): Promise<void> {
    const ticker = setInterval(() => progress(this.#line()), PROGRESS_MS);
    try {
      await Promise.all(this.crash.consumers.map((ctx, c) => this.#consumer(ctx, c)));
      // Every rental is paid (or failed); now wait for each one's end.
      await Promise.all(this.#lifecycles);
    } finally {
      clearInterval(ticker);
    }
    progress(this.#line());
  }

  #line(): string {
    const count = (has: (rental: LoadRental) => boolean) => this.records.filter(has).length;
    return [
      `made ${this.records.length}/${this.settings.rentals}`,
      `paid ${count((rental) => rental.paid)}`,
      `started ${count((rental) => rental.runningAt !== undefined)}`,
      `running ${this.running}`,
      `ended ${count((rental) => rental.endedAt !== undefined)}`,
      `errors ${count((rental) => rental.error !== undefined)}`,
      `free offers ${this.#pool.free}`,
    ].join(", ");
  }

  /** Consumer `c` makes rentals c, c + consumers, …: its GPUC covers that share. */
  async #consumer(ctx: Gpuc, c: number): Promise<void> {
    for (let index = c; index < this.settings.rentals; index += this.settings.consumers) {
      const rental: LoadRental = { index, paid: false };
      this.records.push(rental);
      const offer = await this.#rent(ctx, rental);
      if (offer) this.#lifecycles.push(this.#follow(ctx, rental, offer));
    }
  }

  /** Creates and funds one rental on a free offer; resolves to the offer it holds (undefined when it failed). */
  async #rent(ctx: Gpuc, rental: LoadRental): Promise<Offer | undefined> {
    for (let attempt = 0; ; attempt++) {
      const offer = await this.#pool.take();
      try {
        const { instance, unsignedTx } = await this.api.time("POST /instances", () =>
          ctx.market.createInstance({ gpuId: offer.id, hours: 1, image: IMAGE, cmd: SLEEPER }),
        );
        rental.id = instance.id;
        const signed = await ctx.wallet.signer.sign(unsignedTx as UnsignedTx, ctx.chain.client);
        await this.api.time("POST /instances/{id}/fund", () => ctx.market.fundInstance(instance.id, signed));
        rental.paid = true;
        rental.fundedAt = Date.now();
        return offer;
      } catch (error) {
        // Still reserved by its last rental's end, or its executor briefly silent: another offer, this one later.
        const busy = error instanceof ProblemError && error.status === 409;
        if (rental.id === undefined && (busy || transient(error)) && attempt < 100) {
          setTimeout(() => this.#pool.give(offer), 1000);
          continue;
        }
        rental.error = `rental ${rental.index} (${rental.id ?? "not created"}): ${message(error)}`;
        // A created but unfunded rental keeps its offer reserved: the offer is not given back.
        if (rental.id === undefined) this.#pool.give(offer);
        return undefined;
      }
    }
  }

  /** Waits for the rental to run, stops it `runSeconds` later, waits for its settled end, frees the offer. */
  async #follow(ctx: Gpuc, rental: LoadRental, offer: Offer): Promise<void> {
    const id = rental.id!;
    try {
      const first = await this.#poll(ctx, id, (x) => x.state === "Running" || ended(x));
      if (first.state === "Running") {
        rental.runningAt = Date.now();
        this.running++;
        this.peakRunning = Math.max(this.peakRunning, this.running);
        await sleep(this.settings.runSeconds * 1000);
        rental.stoppedAt = Date.now();
        // A keep-alive connection the loaded marketplace closed is retried, as a user would press stop again.
        await retrying(() =>
          this.api.time("POST /instances/{id}/stop", () => ctx.market.stopInstance(id)),
        ).catch((error) => {
          if (!(error instanceof ProblemError && error.status === 409)) throw error; // ended meanwhile
        });
      }
      const last = ended(first) ? first : await this.#poll(ctx, id, ended);
      if (first.state === "Running") this.running--;
      rental.endedAt = Date.now();
      rental.state = `${last.state}/${last.closeReason ?? "-"}`;
      this.#pool.give(offer);
    } catch (error) {
      rental.error = `rental ${rental.index} (${id}): ${message(error)}`;
    }
  }

  async #poll(ctx: Gpuc, id: string, done: (instance: Instance) => boolean): Promise<Instance> {
    const deadline = Date.now() + STEP_TIMEOUT_MS;
    for (;;) {
      await sleep(POLL_MS);
      try {
        const instance = await this.api.time("GET /instances/{id}", () => ctx.market.instance(id));
        if (done(instance)) return instance;
        if (Date.now() > deadline)
          throw new Error(`still ${instance.state} after ${STEP_TIMEOUT_MS / 1000} s`);
      } catch (error) {
        if (!transient(error) || Date.now() > deadline) throw error;
      }
    }
  }
}

type UnsignedTx = Parameters<Gpuc["wallet"]["signer"]["sign"]>[0];

const ended = (instance: Instance) => isOneOf(instance.state, ENDED_STATES);
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The audit once no escrow of the run is unspent at the tip (the last closes may still be in the mempool). */
async function settledAudit(crash: CrashSystem): Promise<ChainAudit> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const audit = await auditChain(crash.system.nodeUrl, crash.system.deployment);
    const open = [...audit.rentals.values()].filter((rental) => rental.open).length;
    if (open === 0 || Date.now() > deadline) return audit;
    progress(`${open} escrows still open at height ${audit.height}; auditing again`);
    await sleep(3000);
  }
}

/** Every paid rental's escrow on chain: opened once, closed, its GPUC all gone to provider, treasury and consumer. */
function settle(records: readonly LoadRental[], audit: ChainAudit): Settlement {
  let lost = 0;
  let doubled = 0;
  let balanced = 0;
  let closed = 0;
  const ours = new Set<string>();
  for (const record of records) {
    if (!record.paid || !record.id) continue;
    const rentalId = record.id.replaceAll("-", "");
    ours.add(rentalId);
    const chain = audit.rentals.get(rentalId);
    if (!chain) {
      lost++;
      continue;
    }
    const out = chain.toConsumer + chain.toProviderAndTreasury;
    if (!chain.open) closed++;
    if (!chain.open && out === chain.gpuc) balanced++;
    if (chain.open || out < chain.gpuc) lost++;
    if (chain.openings > 1 || chain.doubledPeriods > 0 || out > chain.gpuc) doubled++;
  }
  // An escrow on chain for a rental none of the consumers paid for would be money sent twice.
  doubled += [...audit.rentals.keys()].filter((rentalId) => !ours.has(rentalId)).length;
  const total = (
    pick: (rental: { gpuc: bigint; toConsumer: bigint; toProviderAndTreasury: bigint }) => bigint,
  ) => formatGpuc([...audit.rentals.values()].reduce((sum, rental) => sum + pick(rental), 0n));
  return {
    escrows: audit.rentals.size,
    closed,
    balanced,
    lost,
    doubled,
    unbalancedTxs: audit.unbalancedTxs.length,
    escrowedGpuc: total((rental) => rental.gpuc),
    toProviderAndTreasuryGpuc: total((rental) => rental.toProviderAndTreasury),
    refundedGpuc: total((rental) => rental.toConsumer),
  };
}

function latency(samples: readonly number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const p99 = sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)]!;
  return { ...summarize(sorted, 1), p99: Math.round(p99 * 10) / 10 };
}

const summaryOf = (values: readonly number[]): Summary =>
  values.length ? summarize(values, 1) : { min: 0, median: 0, max: 0, n: 0 };

function report(r: {
  settings: Settings;
  load: Load;
  loadStart: number;
  settlement: Settlement;
  loopDelayMs: LoadReport["benchEventLoopDelayMs"];
  wallS: LoadReport["wallS"];
}): LoadReport {
  const { records, api } = r.load;
  const started = records.filter((rental) => rental.runningAt !== undefined);
  const lastStart = Math.max(r.loadStart, ...started.map((rental) => rental.runningAt!));
  const windows: number[] = [];
  for (let from = r.loadStart; from + 10_000 <= lastStart; from += 10_000)
    windows.push(started.filter((x) => x.runningAt! >= from && x.runningAt! < from + 10_000).length / 10);
  const byCall = Object.fromEntries(
    [...api.samples].map(([call, samples]) => [
      call,
      { ...latency(samples), errors: api.errors.get(call) ?? 0 },
    ]),
  );
  const errors = records.filter((rental) => rental.error).map((rental) => rental.error!);
  const s = r.settlement;
  const endedCount = records.filter((rental) => rental.endedAt !== undefined).length;
  return {
    benchmark: "load",
    settings: { ...r.settings, billingHourS: PERIOD_SECONDS, pollMs: POLL_MS },
    wallS: r.wallS,
    rentals: {
      made: records.length,
      started: started.length,
      ended: endedCount,
      endStates: tally(records.map((rental) => rental.state ?? "none")),
      errors: errors.slice(0, 20),
    },
    startedPerSec: {
      overall: Math.round((started.length / Math.max(1, (lastStart - r.loadStart) / 1000)) * 100) / 100,
      windows10s: summaryOf(windows),
    },
    peakRunning: r.load.peakRunning,
    rentalMs: {
      fundedToRunning: summaryOf(started.map((x) => x.runningAt! - x.fundedAt!)),
      stopToEnded: summaryOf(
        records.filter((x) => x.stoppedAt && x.endedAt).map((x) => x.endedAt! - x.stoppedAt!),
      ),
    },
    apiMs: { all: latency([...api.samples.values()].flat()), byCall },
    benchEventLoopDelayMs: r.loopDelayMs,
    settlement: s,
    ok:
      errors.length === 0 &&
      endedCount === r.settings.rentals &&
      s.lost === 0 &&
      s.doubled === 0 &&
      s.unbalancedTxs === 0 &&
      s.balanced === s.escrows,
  };
}

function tally(values: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const value of values) out[value] = (out[value] ?? 0) + 1;
  return out;
}

/** The options from the environment (BENCH_QUICK=1 starts from the quick mode's size). */
export function loadOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): LoadOptions {
  const number = (name: string) => (env[name] ? Number(env[name]) : undefined);
  const base = env.BENCH_QUICK === "1" ? QUICK : {};
  const pick = (name: string, fallback: number | undefined) => number(name) ?? fallback;
  return {
    rentals: pick("BENCH_RENTALS", base.rentals),
    executors: pick("BENCH_EXECUTORS", base.executors),
    perExecutor: pick("BENCH_PER_EXECUTOR", base.perExecutor),
    consumers: pick("BENCH_CONSUMERS", base.consumers),
    runSeconds: pick("BENCH_RUN_S", base.runSeconds),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runLoadBench(loadOptionsFromEnv()).then(
    (result) => {
      console.log(JSON.stringify(result, null, 2));
      if (!result.ok) {
        console.error("bench:load failed: a rental did not run to its end, or GPUC was lost or paid twice");
        process.exit(1);
      }
      process.exit(0);
    },
    (error: unknown) => {
      console.error(`bench:load failed: ${(error as Error).stack ?? error}`);
      process.exit(1);
    },
  );
}
