import { AsyncLocalStorage } from "node:async_hooks";
import type { QueryResultRow } from "pg";
import type { Pool, PoolClient } from "./pool.ts";

/**
 * Runs queries on the pool, or on the transaction that encloses the caller: a service wraps a money path in
 * `db.transaction(...)` and every repository it calls joins that transaction without passing a client around.
 */
export class Database {
  readonly #pool: Pool;
  readonly #current = new AsyncLocalStorage<PoolClient>();
  readonly #closers: (() => Promise<void>)[] = [];

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  get pool(): Pool {
    return this.#pool;
  }

  async query<R extends QueryResultRow = QueryResultRow>(
    text: string,
    values?: readonly unknown[],
  ): Promise<R[]> {
    const runner = this.#current.getStore() ?? this.#pool;
    const result = await runner.query<R>(text, values as unknown[] | undefined);
    return result.rows;
  }

  /** Runs `work` in a transaction; nested calls join the outer one. Rolls back on any error. */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    if (this.#current.getStore()) return work();
    const client = await this.#pool.connect();
    try {
      await client.query("BEGIN");
      const result = await this.#current.run(client, work);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * Runs `closer` when the database closes, before the pool ends: whatever holds one of its connections (a LISTEN)
   * gives it back, or `pool.end()` would wait for it forever.
   */
  onClose(closer: () => Promise<void>): void {
    this.#closers.push(closer);
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.#closers.splice(0).map((closer) => closer()));
    return this.#pool.end();
  }
}
