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

  close(): Promise<void> {
    return this.#pool.end();
  }
}
