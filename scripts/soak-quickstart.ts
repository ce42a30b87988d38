// `npm run soak:quickstart [N]` (default 10): the quick start as a new user runs it, N times over — a fresh data
// dir, `npm start`, wait for its summary, `npm run demo`, then a CLI rent + logs + stop, then Ctrl-C. Prints one
// JSON document: {runs, failures, http5xx, http429, startSeconds {p50, max}, demoSeconds {p50, max}, errors}, the
// HTTP counts read from every part's request logs (LOG_LEVEL=debug) and from the clients' own output.
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const runs = Number(process.argv[2] ?? 10);
const STEP_TIMEOUT_MS = 240_000;

interface RunResult {
  ok: boolean;
  startSeconds?: number;
  demoSeconds?: number;
  http5xx: number;
  http429: number;
  error?: string;
}

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (or its timeout), collecting its output. */
function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = STEP_TIMEOUT_MS,
): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Counts 5xx and 429 answers in JSON request-log lines and in clients' error text. */
function httpCounts(text: string): { http5xx: number; http429: number } {
  let http5xx = 0;
  let http429 = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith("{")) {
      try {
        const entry = JSON.parse(line) as { event?: string; status?: number };
        if (entry.event === "HTTP_REQUEST" && typeof entry.status === "number") {
          if (entry.status >= 500) http5xx++;
          if (entry.status === 429) http429++;
        }
        continue;
      } catch {
        // not a log line
      }
    }
    if (/→ 5\d\d /.test(line)) http5xx++;
    if (/→ 429 /.test(line)) http429++;
  }
  return { http5xx, http429 };
}

function waitFor(
  child: ChildProcess,
  output: () => string,
  pattern: RegExp,
  timeoutMs: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`npm start printed no ${pattern} in ${timeoutMs} ms`)),
      timeoutMs,
    );
    const check = () => {
      if (pattern.test(output())) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", check);
    child.once("close", () => {
      clearTimeout(timer);
      reject(new Error(`npm start exited early:\n${output().slice(-2000)}`));
    });
  });
}

async function soakOnce(): Promise<RunResult> {
  const dataDir = mkdtempSync(join(tmpdir(), "gpuc-soak-"));
  chmodSync(dataDir, 0o755);
  const env = { ...process.env, GPUC_DATA_DIR: dataDir, LOG_LEVEL: "debug" };
  let out = "";
  const started = Date.now();
  // node with tsx's loader directly (not npx): the signal must reach the process that runs the system.
  const system = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  system.stdout.on("data", (chunk: Buffer) => (out += chunk));
  system.stderr.on("data", (chunk: Buffer) => (out += chunk));
  const exited = new Promise<void>((resolve) => system.once("close", () => resolve()));
  const clients: string[] = [];
  const result: RunResult = { ok: false, http5xx: 0, http429: 0 };
  try {
    await waitFor(system, () => out, /GPUC is up/, STEP_TIMEOUT_MS);
    result.startSeconds = (Date.now() - started) / 1000;
    if (!/Try: npm run demo/.test(out))
      throw new Error("npm start offers no demo (is a Docker engine running?)");

    const demoStarted = Date.now();
    const demo = await run(process.execPath, ["--import", "tsx", "scripts/demo.ts"], env);
    clients.push(demo.stdout, demo.stderr);
    if (demo.code !== 0) throw new Error(`npm run demo exited ${demo.code}: ${demo.stderr.slice(-1000)}`);
    result.demoSeconds = (Date.now() - demoStarted) / 1000;

    await cliRentLogsStop({ ...env, GPUC_WALLET: join(dataDir, "wallets", "alice.json") }, clients);
    result.ok = true;
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
  } finally {
    system.kill("SIGINT");
    const killer = setTimeout(() => system.kill("SIGKILL"), 60_000);
    await exited;
    clearTimeout(killer);
    const counts = httpCounts([out, ...clients].join("\n"));
    result.http5xx = counts.http5xx;
    result.http429 = counts.http429;
    if (result.ok) rmSync(dataDir, { recursive: true, force: true });
    else result.error = `${result.error} (data and logs kept in ${dataDir})`;
  }
  return result;
}

/** A rental through the CLI, as the README shows it: search, rent, read its logs, stop it. */
async function cliRentLogsStop(env: NodeJS.ProcessEnv, clients: string[]): Promise<void> {
  const gpuc = async (...args: string[]) => {
    const reply = await run("node", ["cli/bin/gpuc.js", ...args], env);
    clients.push(reply.stdout, reply.stderr);
    if (reply.code !== 0)
      throw new Error(`gpuc ${args.join(" ")} exited ${reply.code}: ${reply.stderr.slice(-800)}`);
    return reply.stdout;
  };
  const offers = JSON.parse(await gpuc("gpus", "search", "--available", "--json")) as {
    items: { id: string }[];
  };
  const offer = offers.items[0];
  if (!offer) throw new Error("gpuc gpus search --available found no offer after the demo");
  const rented = JSON.parse(
    await gpuc(
      "rent",
      offer.id,
      "--image",
      "gpuc/busybox:test",
      "--hours",
      "3",
      "--cmd",
      "while true; do echo soak; sleep 1; done",
      "--json",
    ),
  ) as { id?: string; instance?: { id: string } };
  const id = rented.id ?? rented.instance?.id;
  if (!id) throw new Error("gpuc rent --json printed no instance id");
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const logs = await gpuc("instances", "logs", id, "--tail", "5");
  if (!logs.includes("soak"))
    throw new Error(`the rental's logs do not show its output: ${logs.slice(0, 300)}`);
  await gpuc("instances", "stop", id, "--wait");
}

function summary(values: number[]): { p50: number | null; max: number | null } {
  if (values.length === 0) return { p50: null, max: null };
  const sorted = [...values].sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 10) / 10;
  return { p50: round(sorted[Math.floor((sorted.length - 1) / 2)]!), max: round(sorted.at(-1)!) };
}

const results: RunResult[] = [];
for (let i = 0; i < runs; i++) {
  const result = await soakOnce();
  results.push(result);
  console.error(
    `[soak] run ${i + 1}/${runs}: ${result.ok ? "ok" : "FAILED"} start ${result.startSeconds ?? "-"} s, demo ${result.demoSeconds ?? "-"} s, 5xx ${result.http5xx}, 429 ${result.http429}${result.error ? `: ${result.error}` : ""}`,
  );
}
console.log(
  JSON.stringify(
    {
      runs,
      failures: results.filter((result) => !result.ok).length,
      http5xx: results.reduce((sum, result) => sum + result.http5xx, 0),
      http429: results.reduce((sum, result) => sum + result.http429, 0),
      startSeconds: summary(results.flatMap((result) => result.startSeconds ?? [])),
      demoSeconds: summary(results.flatMap((result) => result.demoSeconds ?? [])),
      errors: results.flatMap((result) => result.error ?? []),
    },
    null,
    2,
  ),
);
process.exit(results.every((result) => result.ok) ? 0 : 1);
