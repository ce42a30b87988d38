import pg from "pg";

// BIGINT and NUMERIC come back as strings by default; nanoERG and token amounts need exact integers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => BigInt(value));

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
export type Queryable = Pick<pg.Pool, "query">;

/** A `pg` pool for a connection string, with BIGINT parsed as `bigint`. */
export function createPool(connectionString: string, options: { max?: number } = {}): pg.Pool {
  return new pg.Pool({ connectionString, max: options.max ?? 10 });
}
