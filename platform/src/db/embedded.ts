import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export interface EmbeddedPostgres {
  /** A `postgres://` URL that any `pg` client can use. */
  readonly url: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Folder that persists the database; `memory://` for a throwaway one. */
  dataDir: string;
  port?: number;
  host?: string;
}

/**
 * PostgreSQL without a server install: PGlite (Postgres compiled to WASM) served over the wire protocol, so
 * services use the same `pg` code path as against a real server.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  if (!options.dataDir.startsWith("memory://")) await mkdir(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir);
  const host = options.host ?? "127.0.0.1";
  const server = new PGLiteSocketServer({ db, host, port: options.port ?? 0, maxConnections: 32 });
  await server.start();
  const address = server.getServerConn();
  const port = Number(address.split(":").pop());
  return {
    url: `postgres://postgres:postgres@${host}:${port}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
