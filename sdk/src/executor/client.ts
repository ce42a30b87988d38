import type { CallOptions, HttpClientOptions } from "../http/client.ts";
import { HttpClient } from "../http/client.ts";
import { chunks, decode, readLines } from "../http/streams.ts";
import { type InstanceReceipts, instanceReceiptsResponse } from "../receipts/receipts.ts";
import {
  type ExecRequest,
  type ExecResponse,
  execResponse,
  healthResponse,
  type LogsOptions,
  type PortsResponse,
  type PrecheckRequest,
  portsResponse,
  precheckResponse,
  type StatsResponse,
  type StopResponse,
  statsResponse,
  stopResponse,
} from "./api.ts";

export type ExecutorClientOptions = HttpClientOptions;

/**
 * A container's log output as it streams from the executor. Read it once, one way: `lines()` (or `for await`),
 * `chunks()`, `text()`, or pipe `body` yourself. The executor writes only as fast as it is read.
 */
export class LogStream implements AsyncIterable<string> {
  constructor(readonly body: ReadableStream<Uint8Array>) {}

  lines(): AsyncGenerator<string, void, undefined> {
    return readLines(this.body);
  }

  chunks(): AsyncGenerator<Uint8Array, void, undefined> {
    return chunks(this.body);
  }

  /** Everything until the stream ends (use without `follow`). */
  async text(): Promise<string> {
    let text = "";
    for await (const piece of decode(this.body)) text += piece;
    return text;
  }

  /** Stops reading; the executor closes its side. */
  cancel(reason?: unknown): Promise<void> {
    return this.body.cancel(reason);
  }

  [Symbol.asyncIterator](): AsyncGenerator<string, void, undefined> {
    return this.lines();
  }
}

const id = (value: string) => encodeURIComponent(value);

/**
 * The provider executor's consumer API (`/instances/{id}/logs|exec|ports|stats|stop`, `/healthz`), with the instance
 * credential the marketplace issues (`MarketplaceClient.issueCredential`) as `auth`.
 *
 * @example
 * const executor = new ExecutorClient({ baseUrl: instance.executorUrl, auth: credential.token });
 * for await (const line of await executor.logs(instance.id, { follow: true, signal })) console.log(line);
 */
export class ExecutorClient {
  readonly http: HttpClient;

  constructor(options: ExecutorClientOptions) {
    this.http = new HttpClient({ service: "The provider's executor", ...options });
  }

  /** The container's stdout and stderr; with `follow`, a stream that stays open while the container runs. */
  async logs(instanceId: string, options: LogsOptions & CallOptions = {}): Promise<LogStream> {
    const { follow, tail, since, timestamps, ...call } = options;
    const response = await this.http.open(
      {
        method: "GET",
        path: `/instances/${id(instanceId)}/logs`,
        query: { follow: follow ?? false, tail, since, timestamps },
        accept: "text/plain, application/problem+json",
      },
      call,
    );
    return new LogStream(response.body ?? new ReadableStream({ start: (controller) => controller.close() }));
  }

  /** Runs a command in the container (never retried: it may have side effects). */
  exec(instanceId: string, request: ExecRequest, options?: CallOptions): Promise<ExecResponse> {
    return this.http.json(
      { method: "POST", path: `/instances/${id(instanceId)}/exec`, body: request },
      execResponse,
      options,
    );
  }

  /** Asks the executor to stop the rental now; it settles the last partial hour. */
  stop(instanceId: string, options?: CallOptions): Promise<StopResponse> {
    return this.http.json(
      { method: "POST", path: `/instances/${id(instanceId)}/stop` },
      stopResponse,
      options,
    );
  }

  /** The container ports published on the provider's host. */
  ports(instanceId: string, options?: CallOptions): Promise<PortsResponse> {
    return this.http.json(
      { method: "GET", path: `/instances/${id(instanceId)}/ports` },
      portsResponse,
      options,
    );
  }

  /** One CPU, memory and GPU usage sample of the container now (the executor takes about a second to read it). */
  stats(instanceId: string, options?: CallOptions): Promise<StatsResponse> {
    return this.http.json(
      { method: "GET", path: `/instances/${id(instanceId)}/stats` },
      statsResponse,
      options,
    );
  }

  /** The usage receipts this executor signed for the rental, each with its Merkle proof (`onChain` is always null here). */
  receipts(instanceId: string, options?: CallOptions): Promise<InstanceReceipts> {
    return this.http.json(
      { method: "GET", path: `/instances/${id(instanceId)}/receipts` },
      instanceReceiptsResponse,
      options,
    );
  }

  /** Whether the executor would run this rental (see `precheckRequest`); a refusal rejects with a 422 problem. */
  precheck(instanceId: string, request: PrecheckRequest, options?: CallOptions): Promise<{ ok: true }> {
    return this.http.json(
      { method: "POST", path: `/instances/${id(instanceId)}/precheck`, body: request },
      precheckResponse,
      options,
    );
  }

  /** Whether the executor answers at all. */
  health(options?: CallOptions): Promise<{ status: "ok" }> {
    return this.http.json({ method: "GET", path: "/healthz", anonymous: true }, healthResponse, options);
  }
}
