import { randomUUID } from "node:crypto";
import { type Database, type Logger, PgChannel } from "@gpuc/platform";
import { modelKey, type SearchQuery } from "@gpuc/sdk";
import type { GpuRow } from "./gpu-row.ts";

/** The channel the `gpus` trigger notifies with a changed row's id (migration 014). */
export const GPU_CHANNEL = "gpuc_gpus";

type Sort = SearchQuery["sort"];
type Compare = (a: GpuRow, b: GpuRow) => number;

const byId: Compare = (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const byBig = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
const nullsLast = (a: number | null, b: number | null) =>
  a === null ? (b === null ? 0 : 1) : b === null ? -1 : a - b;

/** The same orders as the SQL's ORDER BY (gpus.repository.ts), each total (the id breaks ties). */
const ORDERS: Record<Sort, Compare> = {
  price: (a, b) => byBig(a.price_per_hour, b.price_per_hour) || byId(a, b),
  "-price": (a, b) => byBig(b.price_per_hour, a.price_per_hour) || byId(b, a),
  reliability: (a, b) => b.reliability - a.reliability || byId(a, b),
  price_per_performance: (a, b) => a.price_per_tflops - b.price_per_tflops || byId(a, b),
  price_per_measured_tflops: (a, b) =>
    nullsLast(a.price_per_measured_tflops, b.price_per_measured_tflops) || byId(a, b),
};
const SORTS = Object.keys(ORDERS) as Sort[];

/** The search's filters as one predicate: the same as `searchSql`'s WHERE (a spec holds them equal). */
function matcher(query: SearchQuery): (row: GpuRow) => boolean {
  const key = query.gpu_name === undefined ? undefined : modelKey(query.gpu_name);
  const maxPrice = query.max_price === undefined ? undefined : BigInt(query.max_price);
  return (row) =>
    row.listed &&
    (key === undefined || row.model_key.includes(key)) &&
    (query.min_vram === undefined || row.vram_gb >= query.min_vram) &&
    (query.num_gpus === undefined || row.count >= query.num_gpus) &&
    (maxPrice === undefined || row.price_per_hour <= maxPrice) &&
    (query.region === undefined || row.region === query.region) &&
    (query.min_reliability === undefined || row.reliability >= query.min_reliability) &&
    (!query.available || (row.online && row.rented_by === null)) &&
    (query.include_unverified === true || row.verification === "pending" || row.verification === "verified");
}

/** Index of the first element of `sorted` not before `row`. */
function lowerBound(sorted: readonly GpuRow[], row: GpuRow, compare: Compare): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compare(sorted[mid]!, row) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The index could not show it holds every committed change in time (its connection is down or slow). */
export class OfferIndexBehindError extends Error {
  constructor(ms: number) {
    super(`the offer index did not catch up with the database within ${ms} ms; search the database instead`);
  }
}

interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

function deferred(): Deferred {
  let resolve: () => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * Every offer in memory, sorted once per search order and kept current from PostgreSQL's notifications, so a search
 * is a scan of an array rather than two statements on the database (issue 17: 100,000 offers, p99 ≤ 10 ms).
 *
 * Consistency: before answering, a search sends a barrier on the channel and waits to hear it back. Notifications
 * arrive in commit order, so by then every change committed before the search began has been heard and its row
 * read: a search never misses a write that finished before it (a rental's reservation, a provider going offline).
 * Concurrent searches share one barrier.
 */
export class OfferIndex {
  readonly #db: Database;
  readonly #log: Logger;
  readonly #channel: PgChannel;
  readonly #rows = new Map<string, GpuRow>();
  readonly #sorted = new Map<Sort, GpuRow[]>(SORTS.map((sort) => [sort, []]));
  /** Ids heard of and not yet read. */
  #pending = new Set<string>();
  /** Reads of the database, one after another: the first load, each batch of changed rows, a reload on resync. */
  #work: Promise<void> = Promise.resolve();
  #started: Promise<void> | undefined;
  #stop: (() => Promise<void>) | undefined;
  /** This process's barrier tokens, so another marketplace's barriers on the same channel are ignored. */
  readonly #prefix = `barrier:${randomUUID()}:`;
  #sequence = 0;
  readonly #waiting = new Map<string, Deferred>();
  #inFlight: Deferred | undefined;
  #queued: Deferred | undefined;

  readonly #freshWithinMs: number;

  /** `freshWithinMs`: how long a search waits for the index to catch up before it gives up (the database answers). */
  constructor(db: Database, log: Logger, options: { freshWithinMs?: number } = {}) {
    this.#freshWithinMs = options.freshWithinMs ?? 1_000;
    this.#db = db;
    this.#log = log;
    this.#channel = new PgChannel(db.pool, GPU_CHANNEL, log);
    db.onClose(() => this.close());
  }

  /** The page of offers matching `query` in its order, and how many match in all. */
  async search(query: SearchQuery): Promise<{ rows: GpuRow[]; total: number }> {
    await this.#fresh();
    const match = matcher(query);
    const offset = (query.page - 1) * query.limit;
    const rows: GpuRow[] = [];
    let total = 0;
    for (const row of this.#sorted.get(query.sort)!) {
      if (!match(row)) continue;
      if (total >= offset && rows.length < query.limit) rows.push(row);
      total++;
    }
    return { rows, total };
  }

  async close(): Promise<void> {
    const stop = this.#stop;
    this.#stop = undefined;
    this.#started = undefined;
    await stop?.();
    await this.#channel.close();
    for (const waiter of this.#waiting.values()) waiter.reject(new Error("the offer index is closed"));
    this.#waiting.clear();
  }

  /** Started (listening, loaded) and caught up with every change committed so far. */
  async #fresh(): Promise<void> {
    this.#started ??= this.#start().catch((error: unknown) => {
      this.#started = undefined;
      throw error;
    });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new OfferIndexBehindError(this.#freshWithinMs)), this.#freshWithinMs);
    });
    try {
      await Promise.race([this.#started.then(() => this.#barrier()), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  async #start(): Promise<void> {
    // Listening before loading: a change committed during the load is heard, and read again after it.
    this.#stop = await this.#channel.listen({
      notify: (payload) => this.#heard(payload),
      resync: () => this.#resync(),
    });
    await this.#enqueue(() => this.#loadAll());
  }

  /**
   * The connection was lost and is back: notifications (and barriers) sent meanwhile were never heard. Everything
   * is read again, which covers every barrier sent before the reload, so their searches may answer after it.
   */
  #resync(): void {
    const unheard = [...this.#waiting.values()];
    this.#waiting.clear();
    this.#enqueue(() => this.#loadAll()).then(
      () => {
        for (const waiter of unheard) this.#settle(waiter);
      },
      (error: unknown) => {
        for (const waiter of unheard) this.#settle(waiter, error);
      },
    );
  }

  #heard(payload: string): void {
    if (payload.startsWith("barrier:")) {
      const waiter = this.#waiting.get(payload);
      if (!waiter) return;
      this.#waiting.delete(payload);
      // Every id heard before the barrier is pending now: read them, then the barrier's searches may answer.
      this.#enqueue(() => this.#readPending()).then(
        () => this.#settle(waiter),
        (error: unknown) => this.#settle(waiter, error),
      );
      return;
    }
    this.#pending.add(payload);
  }

  /** A barrier for this search: a new one, or the next one to be sent when one is already in flight. */
  #barrier(): Promise<void> {
    if (!this.#inFlight) {
      this.#inFlight = this.#send();
      return this.#inFlight.promise;
    }
    // The barrier in flight was sent before this search began: it does not cover it.
    this.#queued ??= deferred();
    return this.#queued.promise;
  }

  #send(): Deferred {
    const waiter = deferred();
    const token = `${this.#prefix}${++this.#sequence}`;
    this.#waiting.set(token, waiter);
    this.#channel.send(token).catch((error: unknown) => {
      this.#waiting.delete(token);
      this.#settle(waiter, error);
    });
    return waiter;
  }

  #settle(waiter: Deferred, error?: unknown): void {
    if (error === undefined) waiter.resolve();
    else waiter.reject(error);
    this.#inFlight = undefined;
    const queued = this.#queued;
    this.#queued = undefined;
    if (!queued) return;
    this.#inFlight = this.#send();
    this.#inFlight.promise.then(queued.resolve, queued.reject);
  }

  #enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.#work.then(work);
    // One failed read must not block the ones after it; its own caller sees the error.
    this.#work = next.catch((error: unknown) => this.#log.warn("OFFER_INDEX_READ_FAILED", { error }));
    return next;
  }

  async #loadAll(): Promise<void> {
    this.#pending.clear();
    const rows = await this.#db.query<GpuRow>("SELECT * FROM gpus");
    this.#rows.clear();
    for (const row of rows) this.#rows.set(row.id, row);
    for (const sort of SORTS) this.#sorted.set(sort, [...rows].sort(ORDERS[sort]));
  }

  async #readPending(): Promise<void> {
    if (this.#pending.size === 0) return;
    const ids = [...this.#pending];
    this.#pending = new Set();
    const rows = await this.#db.query<GpuRow>("SELECT * FROM gpus WHERE id = ANY($1)", [ids]);
    const found = new Map(rows.map((row) => [row.id, row]));
    for (const id of ids) this.#replace(id, found.get(id));
  }

  /** Puts `row` in place of the offer `id` (or removes it), in the map and in every order. */
  #replace(id: string, row: GpuRow | undefined): void {
    const old = this.#rows.get(id);
    for (const sort of SORTS) {
      const sorted = this.#sorted.get(sort)!;
      const compare = ORDERS[sort];
      if (old) sorted.splice(lowerBound(sorted, old, compare), 1);
      if (row) sorted.splice(lowerBound(sorted, row, compare), 0, row);
    }
    if (row) this.#rows.set(id, row);
    else this.#rows.delete(id);
  }
}
