export { crashPoint } from "./crash-point.ts";
export { type EmbeddedPostgres, type EmbeddedPostgresOptions, startEmbeddedPostgres } from "./db/embedded.ts";
export { type ChannelListener, PgChannel } from "./db/listen.ts";
export { loadMigrations, type Migration, migrate } from "./db/migrate.ts";
export { createPool, type Pool, type PoolClient, type PoolOptions, type Queryable } from "./db/pool.ts";
export { Database } from "./db/transaction.ts";
export { ConfigError, parseEnv, readSecret } from "./env.ts";
export { createLogger, type LogFields, type Logger, type LogLevel } from "./logger.ts";
