import pg from "pg";

// BIGINT and NUMERIC come back as strings by default; nanoERG and token amounts need exact integers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => BigInt(value));

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
export type Queryable = Pick<pg.Pool, "query">;

export interface PoolOptions {
  max?: number;
  /** Called when an idle client fails (server restart, database dropped); the pool replaces it. */
  onIdleError?: (error: Error) => void;
}

/** A `pg` pool for a connection string, with BIGINT parsed as `bigint`. */
export function createPool(connectionString: string, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10 });
  // Without a listener, an idle client's error (e.g. the server terminating it) would crash the process.
  pool.on("error", options.onIdleError ?? (() => undefined));
  return pool;
}
