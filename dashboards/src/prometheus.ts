import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { z } from "zod";
import { PrometheusNotInstalledError, PrometheusQueryError, PrometheusStartError } from "./errors.ts";

export interface PrometheusOptions {
  readonly configFile: string;
  /** TSDB folder (a fresh temporary one for tests). */
  readonly dataDir: string;
  /** Loopback port; a free one when absent. */
  readonly port?: number;
  readonly binary?: string;
  /** How long to wait for `/-/ready` (default 30 s). */
  readonly readyTimeoutMs?: number;
}

/** One series of an instant query. */
export interface Sample {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface RunningPrometheus {
  readonly url: string;
  /** Instant query through the HTTP API (`/api/v1/query`). */
  query(expr: string): Promise<Sample[]>;
  /** Polls `query` until `until` accepts the samples or the timeout passes; resolves to the last samples. */
  waitFor(expr: string, until: (samples: Sample[]) => boolean, timeoutMs?: number): Promise<Sample[]>;
  stop(): Promise<void>;
}

const queryReply = z.object({
  status: z.enum(["success", "error"]),
  error: z.string().optional(),
  data: z
    .object({
      resultType: z.string(),
      result: z.array(
        z.object({ metric: z.record(z.string(), z.string()), value: z.tuple([z.number(), z.string()]) }),
      ),
    })
    .optional(),
});

/**
 * Starts a real Prometheus server on loopback (Debian's `prometheus` binary) and waits until it is ready.
 *
 * @example
 * const prom = await startPrometheus({ configFile: "prometheus.yml", dataDir: tmp });
 * const up = await prom.query("up");
 * await prom.stop();
 */
export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  const binary = options.binary ?? "prometheus";
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    binary,
    [
      `--config.file=${options.configFile}`,
      `--storage.tsdb.path=${options.dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const output = tail(child);
  const exited = new Promise<string>((resolve) => {
    child.once("error", (error: NodeJS.ErrnoException) =>
      resolve(error.code === "ENOENT" ? "ENOENT" : error.message),
    );
    child.once("exit", (code, signal) => resolve(`exited with ${code ?? signal}`));
  });
  const ready = await Promise.race([waitReady(url, options.readyTimeoutMs ?? 30_000), exited]);
  if (ready === "ENOENT") throw new PrometheusNotInstalledError(binary);
  if (ready !== "ready") {
    child.kill("SIGKILL");
    throw new PrometheusStartError(ready, output());
  }

  const query = async (expr: string): Promise<Sample[]> => {
    const response = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: expr })}`);
    const reply = queryReply.parse(await response.json());
    if (reply.status !== "success" || !reply.data)
      throw new PrometheusQueryError(expr, reply.error ?? "no data");
    return reply.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  };
  return {
    url,
    query,
    async waitFor(expr, until, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      let samples = await query(expr);
      while (!until(samples) && Date.now() < deadline) {
        await sleep(250);
        samples = await query(expr);
      }
      return samples;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const stopped = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
      if (!stopped) child.kill("SIGKILL");
    },
  };
}

async function waitReady(url: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(`${url}/-/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return "ready";
    await sleep(100);
  }
  return `not ready after ${timeoutMs} ms`;
}

/** The last 4 KB the process wrote, for error messages. */
function tail(child: ChildProcess): () => string {
  let text = "";
  const keep = (chunk: Buffer) => {
    text = (text + chunk.toString()).slice(-4096);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return () => text;
}

/** A port the system reports free on loopback (closed again before Prometheus binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
