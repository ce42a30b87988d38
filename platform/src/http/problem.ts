/** RFC 9457 problem details: the one shape of every error response of every GPUC service. */
export interface Problem {
  /** `urn:gpuc:problem:<kind>`, e.g. `urn:gpuc:problem:illegal-transition`: what failed, for programs. */
  type: string;
  /** The status's reason phrase. */
  title: string;
  status: number;
  /** What went wrong and what to do about it, for people. */
  detail: string;
  /** `urn:gpuc:request:<request id>` when the request id middleware runs: quote it when reporting a failure. */
  instance?: string;
  [extension: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  402: "Payment Required",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  410: "Gone",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

/** The prefix of every problem `type`. */
export const PROBLEM_TYPE_PREFIX = "urn:gpuc:problem:";

/**
 * Builds a problem object.
 *
 * @example
 * problem(404, "No route GET /x", "not-found"); // { type: "urn:gpuc:problem:not-found", title: "Not Found", … }
 */
export function problem(
  status: number,
  detail: string,
  kind: string,
  extensions: Readonly<Record<string, unknown>> = {},
): Problem {
  return {
    type: `${PROBLEM_TYPE_PREFIX}${kind}`,
    title: TITLES[status] ?? "Error",
    status,
    detail,
    ...extensions,
  };
}

/** The problem kind of an error class name: `IllegalTransitionError` → `illegal-transition`. */
export function problemKind(errorName: string): string {
  return errorName
    .replace(/Error$/, "")
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .toLowerCase();
}
