import { PassThrough, Readable, Writable } from "node:stream";
import type Docker from "dockerode";
import type { ContainerCreateOptions, ContainerInspectInfo } from "dockerode";
import { LABELS, MANAGED_BY } from "./labels.ts";

export interface ManagedContainer {
  readonly id: string;
  readonly instanceId: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Docker's state word: created, running, exited, … */
  readonly state: string;
}

export interface LogOptions {
  readonly follow: boolean;
  /** Lines from the end; all when undefined. */
  readonly tail?: number;
  /** Unix seconds. */
  readonly since?: number;
  readonly timestamps?: boolean;
}

export interface ExecResult {
  /** Null when the command was still running at the timeout. */
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  /** True when output beyond the byte limit was dropped. */
  readonly truncated: boolean;
}

const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;

/** The Docker operations of the executor, over dockerode; Docker's own state is the source of truth. */
export class ContainerRuntime {
  readonly #docker: Docker;

  constructor(docker: Docker) {
    this.#docker = docker;
  }

  get docker(): Docker {
    return this.#docker;
  }

  /** Creates the container; if one of that name exists already (a create before a crash), returns it. */
  async create(options: ContainerCreateOptions): Promise<string> {
    try {
      return (await this.#docker.createContainer(options)).id;
    } catch (error) {
      if (statusOf(error) !== 409 || !options.name) throw error;
      return (await this.#docker.getContainer(options.name).inspect()).Id;
    }
  }

  async start(id: string): Promise<void> {
    try {
      await this.#docker.getContainer(id).start();
    } catch (error) {
      if (statusOf(error) !== 304) throw error; // 304: already started
    }
  }

  async inspect(id: string): Promise<ContainerInspectInfo | undefined> {
    try {
      return await this.#docker.getContainer(id).inspect();
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /** SIGTERM (the image's stop signal), then SIGKILL after `graceSeconds`; Docker does both. */
  async stop(id: string, graceSeconds: number): Promise<void> {
    try {
      await this.#docker.getContainer(id).stop({ t: graceSeconds });
    } catch (error) {
      const status = statusOf(error);
      if (status !== 304 && status !== 404) throw error; // 304: not running, 404: gone
    }
  }

  async remove(id: string): Promise<void> {
    try {
      await this.#docker.getContainer(id).remove({ force: true, v: true });
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
  }

  /** The containers this executor made for `providerId`, running or not: how it finds its work after a restart. */
  async listManaged(providerId: string): Promise<ManagedContainer[]> {
    const list = await this.#docker.listContainers({
      all: true,
      filters: { label: [`${LABELS.managedBy}=${MANAGED_BY}`, `${LABELS.provider}=${providerId}`] },
    });
    return list.flatMap((info) => {
      const instanceId = info.Labels[LABELS.instance];
      return instanceId ? [{ id: info.Id, instanceId, labels: info.Labels, state: info.State }] : [];
    });
  }

  /** The container's stdout and stderr as one text stream; `close()` ends a followed stream. */
  async logs(id: string, options: LogOptions): Promise<{ stream: Readable; close(): void }> {
    const container = this.#docker.getContainer(id);
    const base = {
      stdout: true,
      stderr: true,
      timestamps: options.timestamps ?? false,
      ...(options.tail !== undefined ? { tail: options.tail } : {}),
      ...(options.since !== undefined ? { since: options.since } : {}),
    };
    const raw: NodeJS.ReadableStream = options.follow
      ? await container.logs({ ...base, follow: true })
      : Readable.from([await container.logs({ ...base, follow: false })]);
    const out = new PassThrough();
    this.#docker.modem.demuxStream(raw, out, out);
    raw.on("end", () => out.end());
    raw.on("error", (error) => out.destroy(error));
    const destroy = () => (raw as Readable).destroy?.();
    return { stream: out, close: destroy };
  }

  /**
   * Runs a command in the running container (with the container's user, capabilities and limits) and
   * collects its output up to `maxBytes` per stream.
   */
  async exec(
    id: string,
    cmd: readonly string[],
    options: { timeoutMs: number; maxBytes: number },
  ): Promise<ExecResult> {
    const exec = await this.#docker.getContainer(id).exec({
      Cmd: [...cmd],
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
    });
    const stream = await exec.start({ hijack: true, stdin: false });
    const stdout = new Collector(options.maxBytes);
    const stderr = new Collector(options.maxBytes);
    this.#docker.modem.demuxStream(stream, stdout, stderr);
    const timedOut = await new Promise<boolean>((resolve, reject) => {
      const timer = setTimeout(() => {
        (stream as Readable).destroy?.();
        resolve(true);
      }, options.timeoutMs);
      stream.on("end", () => {
        clearTimeout(timer);
        resolve(false);
      });
      stream.on("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    const info = await exec.inspect();
    return {
      exitCode: timedOut || info.Running ? null : info.ExitCode,
      stdout: stdout.text(),
      stderr: stderr.text(),
      timedOut,
      truncated: stdout.truncated || stderr.truncated,
    };
  }
}

/** A writable that keeps the first `limit` bytes. */
class Collector extends Writable {
  readonly #chunks: Buffer[] = [];
  #size = 0;
  truncated = false;

  constructor(readonly limit: number) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const room = this.limit - this.#size;
    if (chunk.length > room) this.truncated = true;
    if (room > 0) {
      const kept = chunk.subarray(0, room);
      this.#chunks.push(kept);
      this.#size += kept.length;
    }
    done();
  }

  text(): string {
    return Buffer.concat(this.#chunks).toString("utf8");
  }
}
