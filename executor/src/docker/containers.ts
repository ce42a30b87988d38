import { Readable } from "node:stream";
import type Docker from "dockerode";
import type { ContainerCreateOptions, ContainerInspectInfo } from "dockerode";
import { DockerDemuxer, FrameParser } from "./demux.ts";
import { LABELS, MANAGED_BY } from "./labels.ts";
import { ensureRentalNetwork, type RentalNetwork, type RentalNetworkSpec } from "./network.ts";
import { type ContainerUsage, containerUsage } from "./stats.ts";

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

export interface LogStream {
  /** Plain stdout and stderr bytes, interleaved as Docker sent them. */
  readonly stream: Readable;
  /** Ends the stream and the Docker request (a followed stream runs until closed). */
  close(): void;
  /** Bytes taken from Docker so far (bounded while the reader does not read). */
  readonly bytesRead: number;
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
  readonly #networks = new Map<string, Promise<RentalNetwork>>();

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

  /** The rental network, created on first use (once per name; a failure is retried on the next call). */
  ensureNetwork(spec: RentalNetworkSpec): Promise<RentalNetwork> {
    let network = this.#networks.get(spec.name);
    if (!network) {
      network = ensureRentalNetwork(this.#docker, spec);
      network.catch(() => this.#networks.delete(spec.name));
      this.#networks.set(spec.name, network);
    }
    return network;
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

  /**
   * One stats reading (`stream: false`): Docker samples twice about a second apart, so the reading carries
   * the CPU delta a rate needs. Undefined when the container is gone.
   */
  async usage(id: string): Promise<ContainerUsage | undefined> {
    try {
      return containerUsage(await this.#docker.getContainer(id).stats({ stream: false }));
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

  /**
   * The container's stdout and stderr as one text stream, streamed from Docker in both modes (a non-follow
   * read is never buffered whole) and demultiplexed with backpressure: while the caller does not read, nothing
   * more is read from Docker. `close()` ends the stream; `bytesRead` counts what was taken from Docker.
   */
  async logs(id: string, options: LogOptions): Promise<LogStream> {
    const raw = await this.#dialLogs(id, {
      stdout: true,
      stderr: true,
      follow: options.follow,
      timestamps: options.timestamps ?? false,
      ...(options.tail !== undefined ? { tail: options.tail } : {}),
      ...(options.since !== undefined ? { since: options.since } : {}),
    });
    const demuxer = new DockerDemuxer();
    raw.on("error", (error) => demuxer.destroy(error));
    raw.pipe(demuxer);
    return {
      stream: demuxer,
      close: () => {
        raw.destroy();
        demuxer.destroy();
      },
      get bytesRead() {
        return demuxer.bytesIn;
      },
    };
  }

  /** GET /containers/{id}/logs as a stream (dockerode returns a non-follow log as one Buffer). */
  #dialLogs(id: string, query: Record<string, boolean | number>): Promise<Readable> {
    return new Promise((resolve, reject) => {
      this.#docker.modem.dial(
        {
          path: `/containers/${encodeURIComponent(id)}/logs?`,
          method: "GET",
          isStream: true,
          statusCodes: { 200: true, 404: "no such container", 500: "server error" },
          options: query,
        },
        (error, result) => {
          if (error) reject(error);
          else if (result instanceof Readable) resolve(result);
          else reject(new Error("Docker answered the logs request without a stream"));
        },
      );
    });
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
    const parser = new FrameParser();
    stream.on("data", (chunk: Buffer) => {
      try {
        parser.push(chunk, (kind, data) => (kind === "stdout" ? stdout : stderr).add(data));
      } catch (error) {
        (stream as Readable).destroy?.(error as Error);
      }
    });
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

/** Keeps the first `limit` bytes of an output. */
class Collector {
  readonly #chunks: Buffer[] = [];
  #size = 0;
  truncated = false;

  constructor(readonly limit: number) {}

  add(chunk: Buffer): void {
    const room = this.limit - this.#size;
    if (chunk.length > room) this.truncated = true;
    if (room > 0) {
      // Copied: the chunk is a view into Docker's buffer.
      const kept = Buffer.from(chunk.subarray(0, room));
      this.#chunks.push(kept);
      this.#size += kept.length;
    }
  }

  text(): string {
    return Buffer.concat(this.#chunks).toString("utf8");
  }
}
