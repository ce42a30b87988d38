import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { createInterface } from "node:readline";
import { type PartRuntime, partCommand } from "./bundle.ts";

export interface ChildPartOptions {
  /** "executor" or "marketplace": names the part in the counts. */
  readonly name: string;
  /** The entry file (a `procs/*.ts`). */
  readonly entry: string;
  /** Through tsx's loader (default) or bundled on plain node, as a deployment runs it (bundle.ts). */
  readonly runtime?: PartRuntime;
  readonly env: Readonly<Record<string, string>>;
  /** Its stdout and stderr, appended across restarts (read them when a test fails). */
  readonly logFile: string;
  /** How long a start may take before it counts as a crash on restart (default 90 s: 2 busy cores). */
  readonly readyTimeoutMs?: number;
}

/** How one life of the process ended. */
export interface Death {
  /** The crash point it killed itself at, if any. */
  readonly point?: string;
  /** Killed from outside by `kill()`. */
  readonly external: boolean;
  readonly signal: NodeJS.Signals | null;
  readonly code: number | null;
}

/**
 * One service as a child process that can be SIGKILLed and started again on the same database and data dir, as
 * a power cut and a restart would do it. A start may arm one crash point (`GPUC_CRASH_AT`).
 */
export class ChildPart {
  readonly #o: ChildPartOptions;
  readonly #log: WriteStream;
  #child: ChildProcess | undefined;
  #exited: Promise<Death> | undefined;
  #killing = false;
  #armed: string | undefined;
  #ready = false;
  starts = 0;

  constructor(options: ChildPartOptions) {
    this.#o = options;
    this.#log = createWriteStream(options.logFile, { flags: "a" });
  }

  get name(): string {
    return this.#o.name;
  }

  get alive(): boolean {
    return this.#child !== undefined;
  }

  /** The running process's id (undefined when not running): what a benchmark samples /proc for. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Running and past its READY line. */
  get ready(): boolean {
    return this.#ready;
  }

  /** The crash point the running process is armed with. */
  get armed(): string | undefined {
    return this.#armed;
  }

  /** Resolves how the current life ends (undefined when not running). */
  get exited(): Promise<Death> | undefined {
    return this.#exited;
  }

  /** Starts the process (armed at `crashAt`) and waits for its READY line; rejects if it dies first. */
  async start(crashAt?: string): Promise<void> {
    if (this.#child) throw new Error(`${this.name} is already running`);
    this.starts++;
    this.#armed = crashAt;
    this.#log.write(`\n--- start ${this.starts}${crashAt ? ` armed at ${crashAt}` : ""} ---\n`);
    const args = await partCommand(this.#o.entry, this.#o.runtime ?? "tsx");
    const child = spawn(process.execPath, args, {
      env: { ...process.env, ...this.#o.env, GPUC_CRASH_AT: crashAt ?? "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.#child = child;
    await this.#watch(child);
    this.#ready = true;
  }

  /** SIGKILL from outside, now; resolves once it is gone. */
  async kill(): Promise<Death | undefined> {
    const exited = this.#exited;
    if (!this.#child || !exited) return undefined;
    this.#killing = true;
    this.#child.kill("SIGKILL");
    return exited;
  }

  /** A clean stop (SIGTERM), for the end of the test. */
  async stop(): Promise<void> {
    const exited = this.#exited;
    if (!this.#child || !exited) return;
    this.#child.kill("SIGTERM");
    const timer = setTimeout(() => this.#child?.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  }

  close(): void {
    this.#log.end();
  }

  /** Follows the output: resolves at READY, records a CRASH_POINT line, settles `exited` when it dies. */
  #watch(child: ChildProcess): Promise<void> {
    let point: string | undefined;
    let markReady: () => void = () => undefined;
    let failReady: (error: Error) => void = () => undefined;
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    const timer = setTimeout(
      () => failReady(new Error(`${this.name} did not start in time`)),
      this.#o.readyTimeoutMs ?? 90_000,
    );
    createInterface({ input: child.stdout! }).on("line", (line) => {
      this.#log.write(`${line}\n`);
      if (line.includes('"READY"')) markReady();
    });
    createInterface({ input: child.stderr! }).on("line", (line) => {
      this.#log.write(`${line}\n`);
      const crashed = /"event":"CRASH_POINT","point":"([^"]+)"/.exec(line);
      if (crashed) point = crashed[1];
    });
    this.#exited = new Promise<Death>((resolve) => {
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        const death = { point, external: this.#killing, signal, code };
        this.#log.write(`--- exit ${JSON.stringify(death)} ---\n`);
        this.#child = undefined;
        this.#ready = false;
        this.#killing = false;
        this.#armed = undefined;
        failReady(new Error(`${this.name} exited before it was ready (${signal ?? code})`));
        resolve(death);
      });
    });
    return ready.finally(() => clearTimeout(timer));
  }
}
