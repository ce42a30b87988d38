// `npm start`: the whole system on embedded defaults, one log line per part and where it listens.
// Ctrl-C stops every part in reverse order; a second start resumes from the same data directory.
import { join, resolve } from "node:path";
import { Devnet } from "@gpuc/devnet";
import { createLogger, parseEnv, startEmbeddedPostgres } from "@gpuc/platform";
import { z } from "zod";

const env = parseEnv(
  z.object({
    GPUC_DATA_DIR: z.string().default(".data"),
    DATABASE_URL: z.string().url().optional(),
    ERGO_NODE_URL: z.string().url().optional(),
    DEVNET_HOST: z.string().default("127.0.0.1"),
    DEVNET_PORT: z.coerce.number().int().min(0).max(65535).default(9052),
    DEVNET_BLOCK_MS: z.coerce.number().int().min(0).default(2000),
  }),
);

const log = createLogger("gpuc");
const stops: { name: string; stop: () => Promise<void> }[] = [];

async function main(): Promise<void> {
  const dataDir = resolve(env.GPUC_DATA_DIR);
  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    const pg = await startEmbeddedPostgres({ dataDir: join(dataDir, "pg") });
    stops.push({ name: "database", stop: pg.stop });
    databaseUrl = pg.url;
    log.info("PART_STARTED", {
      part: "database",
      kind: "embedded PGlite",
      dataDir: join(dataDir, "pg"),
      url: redactUrl(pg.url),
    });
  } else {
    log.info("PART_STARTED", { part: "database", kind: "PostgreSQL", url: redactUrl(databaseUrl) });
  }

  if (env.ERGO_NODE_URL) {
    log.info("PART_STARTED", { part: "chain", kind: "Ergo node", url: env.ERGO_NODE_URL });
  } else {
    const devnet = await Devnet.start({
      databaseUrl,
      blockMs: env.DEVNET_BLOCK_MS,
      host: env.DEVNET_HOST,
      port: env.DEVNET_PORT,
    });
    stops.push({ name: "devnet", stop: () => devnet.stop() });
    log.info("PART_STARTED", {
      part: "devnet",
      url: devnet.url,
      height: devnet.height,
      blockMs: env.DEVNET_BLOCK_MS,
    });
    console.log(`GPUC devnet (Ergo node API) listening on ${devnet.url} — try ${devnet.url}/info`);
  }
  console.log("GPUC is up. Ctrl-C to stop.");
}

async function shutdown(signal: string, code = 0): Promise<void> {
  log.info("SHUTDOWN", { signal });
  for (const part of stops.reverse()) {
    await part.stop().catch((error: unknown) => log.error("PART_STOP_FAILED", { part: part.name, error }));
  }
  process.exit(code);
}

function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "***";
  return parsed.toString();
}

process.once("SIGINT", () => void shutdown("SIGINT"));
process.once("SIGTERM", () => void shutdown("SIGTERM"));
main().catch(async (error: unknown) => {
  console.error(`GPUC failed to start: ${(error as Error).message}`);
  await shutdown("error", 1);
});
