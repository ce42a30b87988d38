import type { z } from "zod";
import { SdkError } from "../errors.ts";
import {
  NetworkError,
  type Problem,
  ProblemError,
  type RequestInfo,
  ResponseSchemaError,
  TimeoutError,
} from "./errors.ts";
import {
  backoffMs,
  DEFAULT_RETRY,
  isIdempotent,
  isRetryableStatus,
  type RetryPolicy,
  retryAfterMs,
  sleep,
} from "./retry.ts";

export type HttpMethod = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";
export type QueryValue = string | number | boolean | bigint | undefined;
/** Where the bearer token comes from: asked before each try, so it may sign in lazily or refresh. */
export type TokenSource = (signal?: AbortSignal) => string | undefined | Promise<string | undefined>;

export interface HttpClientOptions {
  readonly baseUrl: string | URL;
  /** The service as a sentence starts, for messages: "The marketplace". */
  readonly service?: string;
  /** Defaults to the global `fetch`; inject one for tests or a custom agent. */
  readonly fetch?: typeof globalThis.fetch;
  /** Bearer credentials: a session token, an API key (`gpuc_…`), an instance credential, or a source of one. */
  readonly auth?: string | TokenSource;
  /** Per try, until the whole body is read (for streams: until the headers arrive). Default 30 s. */
  readonly timeoutMs?: number;
  /** Partial policies fill in from `DEFAULT_RETRY`; `false` never retries. */
  readonly retry?: Partial<RetryPolicy> | false;
  readonly headers?: Readonly<Record<string, string>>;
  /** Told before each retry (log it: a 429 or 503 means someone is overloaded). */
  readonly onRetry?: (event: RetryEvent) => void;
}

export interface RetryEvent {
  readonly request: RequestInfo;
  /** The try that failed, from 1. */
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: ProblemError | NetworkError;
}

/** Per call: every call takes an `AbortSignal`. */
export interface CallOptions {
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
  /** Sent as `Idempotency-Key`; makes a POST safe to retry. */
  readonly idempotencyKey?: string;
}

export interface RequestSpec {
  readonly method: HttpMethod;
  /** Path below the base URL, starting with `/`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, QueryValue>>;
  /** Sent as JSON (bigints as decimal strings). */
  readonly body?: unknown;
  readonly accept?: string;
  /** Extra headers of this call (e.g. `Last-Event-ID`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** A public route: send no credentials even when the client has some (and do not ask the token source). */
  readonly anonymous?: boolean;
}

type Outcome<T> =
  | { readonly ok: true; readonly value: T }
  | {
      readonly ok: false;
      readonly error: ProblemError | NetworkError;
      readonly retryable: boolean;
      readonly retryAfterMs?: number;
    };

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * JSON over `fetch` with the GPUC conventions: bearer auth, problem+json errors as `ProblemError`, unreachable
 * services as `NetworkError`/`TimeoutError`, response bodies validated by zod schemas (`ResponseSchemaError`),
 * retries with backoff only for idempotent calls, an `AbortSignal` on every call. Works in Node and browsers.
 *
 * @example
 * const http = new HttpClient({ baseUrl: "http://127.0.0.1:8080", service: "The marketplace" });
 * const status = await http.json({ method: "GET", path: "/api/v1/status" }, statusSchema);
 */
export class HttpClient {
  readonly baseUrl: string;
  readonly service: string;
  readonly #options: HttpClientOptions;
  readonly #fetch: typeof globalThis.fetch;
  readonly #retry: RetryPolicy;

  constructor(options: HttpClientOptions) {
    this.#options = options;
    this.baseUrl = String(options.baseUrl).replace(/\/+$/, "");
    this.service = options.service ?? `The service at ${this.baseUrl}`;
    // Unbound, a browser's fetch throws "Illegal invocation" when called as a method of another object.
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#retry =
      options.retry === false ? { ...DEFAULT_RETRY, attempts: 1 } : { ...DEFAULT_RETRY, ...options.retry };
  }

  /** The same client with other credentials. */
  withAuth(auth: string | TokenSource | undefined): HttpClient {
    return new HttpClient({ ...this.#options, auth });
  }

  /** Calls and validates the 2xx JSON body with `schema`; throws on any other status. */
  json<S extends z.ZodType>(spec: RequestSpec, schema: S, options: CallOptions = {}): Promise<z.output<S>> {
    return this.#call(spec, options, false, (response, request) => readJson(response, schema, request));
  }

  /** Calls a route that answers without a body (204). */
  empty(spec: RequestSpec, options: CallOptions = {}): Promise<void> {
    return this.#call(spec, options, false, async (response) => {
      await response.body?.cancel();
    });
  }

  /**
   * Calls and hands back the 2xx response with its body unread, for streams (logs, server-sent events). The
   * timeout ends when the headers arrive; `options.signal` still cancels the body.
   */
  open(spec: RequestSpec, options: CallOptions = {}): Promise<Response> {
    return this.#call(spec, options, true, async (response) => response);
  }

  async #call<T>(
    spec: RequestSpec,
    options: CallOptions,
    stream: boolean,
    consume: (response: Response, request: RequestInfo) => Promise<T>,
  ): Promise<T> {
    const request = this.#info(spec);
    const attempts = isIdempotent(spec.method, options.idempotencyKey) ? this.#retry.attempts : 1;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.#attempt(spec, request, options, stream, consume);
      if (outcome.ok) return outcome.value;
      const delayMs = attempt < attempts ? this.#delay(outcome, attempt) : undefined;
      if (delayMs === undefined) throw outcome.error;
      this.#options.onRetry?.({ request, attempt, delayMs, error: outcome.error });
      await sleep(delayMs, options.signal);
    }
  }

  async #attempt<T>(
    spec: RequestSpec,
    request: RequestInfo,
    options: CallOptions,
    stream: boolean,
    consume: (response: Response, request: RequestInfo) => Promise<T>,
  ): Promise<Outcome<T>> {
    const headers = await this.#headers(spec, options);
    const timeoutMs = options.timeoutMs ?? this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout.signal]) : timeout.signal;
    try {
      const body = spec.body === undefined ? undefined : JSON.stringify(spec.body, bigintsAsStrings);
      const response = await this.#fetch(request.url, { method: spec.method, headers, body, signal });
      if (!response.ok) return await failed(response, request);
      if (stream) clearTimeout(timer);
      return { ok: true, value: await consume(response, request) };
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (error instanceof SdkError) throw error;
      const failure = timeout.signal.aborted
        ? new TimeoutError(request, timeoutMs)
        : new NetworkError(request, error);
      return { ok: false, error: failure, retryable: true };
    } finally {
      clearTimeout(timer);
    }
  }

  #delay(outcome: Extract<Outcome<unknown>, { ok: false }>, attempt: number): number | undefined {
    if (!outcome.retryable) return undefined;
    if (outcome.retryAfterMs === undefined) return backoffMs(this.#retry, attempt);
    return outcome.retryAfterMs <= this.#retry.maxRetryAfterMs ? outcome.retryAfterMs : undefined;
  }

  async #headers(spec: RequestSpec, options: CallOptions): Promise<Record<string, string>> {
    const headers: Record<string, string> = {
      accept: spec.accept ?? "application/json, application/problem+json",
      ...this.#options.headers,
      ...spec.headers,
    };
    if (spec.body !== undefined) headers["content-type"] = "application/json";
    if (options.idempotencyKey !== undefined) headers["idempotency-key"] = options.idempotencyKey;
    const auth = this.#options.auth;
    const token =
      spec.anonymous || auth === undefined
        ? undefined
        : typeof auth === "string"
          ? auth
          : await auth(options.signal);
    if (token) headers.authorization = `Bearer ${token}`;
    return headers;
  }

  #info(spec: RequestSpec): RequestInfo {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) query.set(key, String(value));
    }
    const search = query.toString();
    const path = search ? `${spec.path}?${search}` : spec.path;
    return { service: this.service, method: spec.method, path, url: `${this.baseUrl}${path}` };
  }
}

async function failed(response: Response, request: RequestInfo): Promise<Outcome<never>> {
  const after = retryAfterMs(response.headers.get("retry-after"));
  const problem = await readProblem(response);
  return {
    ok: false,
    error: new ProblemError(request, problem, after),
    retryable: isRetryableStatus(response.status, after),
    ...(after === undefined ? {} : { retryAfterMs: after }),
  };
}

/** The problem document of an error response; any other body still yields a title and a detail. */
async function readProblem(response: Response): Promise<Problem> {
  const text = await response.text();
  const body = parseObject(text);
  const title = response.statusText || `HTTP ${response.status}`;
  return {
    ...body,
    type: typeof body?.type === "string" ? body.type : "about:blank",
    title: typeof body?.title === "string" ? body.title : title,
    status: response.status,
    detail: typeof body?.detail === "string" ? body.detail : body ? "" : text.slice(0, 300),
  };
}

async function readJson<S extends z.ZodType>(
  response: Response,
  schema: S,
  request: RequestInfo,
): Promise<z.output<S>> {
  const text = await response.text();
  let body: unknown;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    throw new ResponseSchemaError(request, response.status, [`the body is not JSON: ${text.slice(0, 80)}`]);
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new ResponseSchemaError(
    request,
    response.status,
    parsed.error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`),
  );
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function bigintsAsStrings(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}
