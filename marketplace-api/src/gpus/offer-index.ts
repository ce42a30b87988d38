import { randomUUID } from "node:crypto";
import { type Database, type Logger, PgChannel } from "@gpuc/platform";
import type { SearchQuery } from "@gpuc/sdk";
import type { GpuRow } from "./gpu-row.ts";
import { OfferColumns } from "./offer-columns.ts";

/** The channel the `gpus` trigger notifies with a changed row's id (migration 014). */
export const GPU_CHANNEL = "gpuc_gpus";

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
 * Every offer in memory as typed-array columns with an order of slots per sort (`OfferColumns`), kept current from
 * PostgreSQL's notifications, so a search is a walk of numbers rather than two statements on the database (issue
 * 17: 100,000 offers; the columns answer each bench query in microseconds once its total is remembered, ~1 ms counting it).
 *
 * Consistency: before answering, a search sends a barrier on the channel and waits to hear it back. Notifications
 * arrive in commit order, so by then every change committed before the search began has been heard and its row
 * read: a search never misses a write that finished before it (a rental's reservation, a provider going offline).
 * The searches begun in one turn of the event loop share one barrier, sent at its end; a search never waits for a
 * barrier sent before it began (that one would not cover it), so each waits one round trip. The round trip, not the
 * scan, is most of a search's time (bench:api).
 */
export class OfferIndex {
  readonly #db: Database;
  readonly #log: Logger;
  readonly #channel: PgChannel;
  readonly #columns = new OfferColumns();
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
  /** The barrier the searches begun in this turn of the event loop wait for (sent at its end). */
  #next: Deferred | undefined;

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
    return this.#columns.search(query);
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

  /**
   * A barrier for this search: the one the searches of this turn of the event loop share, sent when the turn ends.
   * One already sent does not cover a search that began after it, so none is waited for: each search waits one
   * round trip, not the rest of another's and then its own.
   */
  #barrier(): Promise<void> {
    if (!this.#next) {
      const next = deferred();
      this.#next = next;
      setImmediate(() => {
        this.#next = undefined;
        this.#send(next);
      });
    }
    return this.#next.promise;
  }

  #send(waiter: Deferred): void {
    const token = `${this.#prefix}${++this.#sequence}`;
    this.#waiting.set(token, waiter);
    this.#channel.send(token).catch((error: unknown) => {
      this.#waiting.delete(token);
      this.#settle(waiter, error);
    });
  }

  #settle(waiter: Deferred, error?: unknown): void {
    if (error === undefined) waiter.resolve();
    else waiter.reject(error);
  }

  #enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.#work.then(work);
    // One failed read must not block the ones after it; its own caller sees the error.
    this.#work = next.catch((error: unknown) => this.#log.warn("OFFER_INDEX_READ_FAILED", { error }));
    return next;
  }

  async #loadAll(): Promise<void> {
    this.#pending.clear();
    this.#columns.load(await this.#db.query<GpuRow>("SELECT * FROM gpus"));
  }

  async #readPending(): Promise<void> {
    if (this.#pending.size === 0) return;
    const ids = [...this.#pending];
    this.#pending = new Set();
    const rows = await this.#db.query<GpuRow>("SELECT * FROM gpus WHERE id = ANY($1)", [ids]);
    const found = new Map(rows.map((row) => [row.id, row]));
    for (const id of ids) this.#columns.replace(id, found.get(id));
  }
}
