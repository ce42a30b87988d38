import { SdkError } from "../errors.ts";

/** RFC 9457 problem details: the one error shape of the GPUC APIs. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance?: string;
  readonly [extension: string]: unknown;
}

const STANDARD_MEMBERS = new Set(["type", "title", "status", "detail", "instance"]);

/** Which request failed, for the messages. */
export interface RequestInfo {
  /** The service, as a sentence starts: "The marketplace". */
  readonly service: string;
  readonly method: string;
  /** Path and query, e.g. `/api/v1/gpus?sort=cheapest`. */
  readonly path: string;
  readonly url: string;
}

/**
 * The service answered with an error status. Carries the problem+json fields (`type`, `title`, `detail`, and
 * every extension such as `missing` on a 402); a body that is no problem document still gives a title and the
 * start of the text as detail.
 */
export class ProblemError extends SdkError {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string;
  readonly instance: string | undefined;
  /** Members beside the standard five, e.g. `{ missing: "500000" }`. */
  readonly extensions: Readonly<Record<string, unknown>>;
  /** The whole problem document as received. */
  readonly problem: Problem;
  readonly method: string;
  readonly path: string;
  readonly url: string;
  /** The wait the service asked for (`Retry-After`), when it named one. */
  readonly retryAfterMs: number | undefined;

  constructor(request: RequestInfo, problem: Problem, retryAfterMs?: number) {
    super(
      `${request.method} ${request.path} → ${problem.status} ${problem.title}${problem.detail ? `: ${problem.detail}` : ""}`,
    );
    this.status = problem.status;
    this.type = problem.type;
    this.title = problem.title;
    this.detail = problem.detail;
    this.instance = problem.instance;
    this.extensions = Object.fromEntries(
      Object.entries(problem).filter(([key]) => !STANDARD_MEMBERS.has(key)),
    );
    this.problem = problem;
    this.method = request.method;
    this.path = request.path;
    this.url = request.url;
    this.retryAfterMs = retryAfterMs;
  }
}

/** The service could not be reached (refused, reset, DNS, TLS…), or the connection broke mid-response. */
export class NetworkError extends SdkError {
  readonly service: string;
  readonly method: string;
  readonly path: string;
  readonly url: string;
  /** The origin the client talks to, e.g. `http://127.0.0.1:8080`. */
  readonly baseUrl: string;

  constructor(request: RequestInfo, cause: unknown, message?: string) {
    const baseUrl = new URL(request.url).origin;
    super(message ?? `${request.service} at ${baseUrl} is unreachable (${describe(cause)})`, { cause });
    this.service = request.service;
    this.method = request.method;
    this.path = request.path;
    this.url = request.url;
    this.baseUrl = baseUrl;
  }
}

/** The service did not answer within the call's time limit. */
export class TimeoutError extends NetworkError {
  constructor(
    request: RequestInfo,
    readonly timeoutMs: number,
  ) {
    super(
      request,
      undefined,
      `${request.service} did not answer ${request.method} ${request.path} within ${timeoutMs} ms; it may be overloaded, retry later`,
    );
  }
}

/** The service answered 2xx with a body that does not match the API's schema (or is not JSON at all). */
export class ResponseSchemaError extends SdkError {
  constructor(
    readonly request: RequestInfo,
    readonly status: number,
    readonly issues: readonly string[],
  ) {
    super(
      `${request.service} answered ${request.method} ${request.path} (${status}) with a body this client cannot read (${issues.slice(0, 5).join("; ")}); check that the client and the service run the same API version`,
    );
  }
}

/** "fetch failed: connect ECONNREFUSED 127.0.0.1:1": the error and the causes under it. */
function describe(cause: unknown): string {
  const parts: string[] = [];
  for (let error = cause, depth = 0; error instanceof Error && depth < 4; depth++) {
    if (!parts.includes(error.message)) parts.push(error.message);
    error = error.cause;
  }
  return parts.join(": ") || String(cause);
}
