import {
  formatErg,
  formatGpuc,
  InvalidAmountError,
  NetworkError,
  type Problem,
  ProblemError,
  TimeoutError,
} from "@gpuc/sdk";
import type { z } from "zod";
import { CliError, UnreachableError, UsageError } from "./errors.ts";

/** The marketplace answered with an error (application/problem+json), or would have (`checkRequest`); exit 3. */
export class ApiError extends CliError {
  override readonly exitCode = 3;

  constructor(
    readonly status: number,
    readonly problem: Readonly<Record<string, unknown>>,
    readonly path: string,
  ) {
    super(describeProblem(status, problem, path));
  }

  override get details(): Readonly<Record<string, unknown>> {
    return { problem: this.problem };
  }
}

/** Problem members that are GPUC units (the 402 of a rental the wallet cannot pay). */
const GPUC_MEMBERS = ["required", "available", "missing"] as const;

/**
 * `POST /api/v1/instances → 402 Payment Required: The rental needs 2 GPUC but …` and one line per extension. Amounts
 * the marketplace writes in base units ("2000000 GPUC units", "150075000000 nanoERG", `missing: "500000"`) read
 * as GPUC and ERG; `--json` gives the problem as it came.
 */
function describeProblem(status: number, problem: Readonly<Record<string, unknown>>, path: string): string {
  const title = typeof problem.title === "string" ? problem.title : "Request failed";
  const funds = insufficientFunds(problem);
  const detail = funds ?? (typeof problem.detail === "string" ? humanAmounts(problem.detail) : undefined);
  // A validation problem's detail already names every issue, a 402's every amount; those members are for programs.
  const shown = (key: string) =>
    !["type", "title", "status", "detail", "instance"].includes(key) &&
    // A member the detail already says (a refusal's `reason`) would only repeat it.
    !(
      typeof problem[key] === "string" &&
      typeof problem.detail === "string" &&
      problem.detail.includes(problem[key])
    ) &&
    !(problem.type === "urn:gpuc:problem:validation" && key === "issues") &&
    !(funds && (GPUC_MEMBERS as readonly string[]).includes(key));
  const extra = Object.entries(problem)
    .filter(([key]) => shown(key))
    .map(([key, value]) => `\n  ${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join("");
  return `${path} → ${status} ${title}${detail ? `: ${detail}` : ""}${extra}`;
}

/** The marketplace's 402 for a rental the wallet cannot pay, in GPUC (its detail has bare unit counts). */
function insufficientFunds(problem: Readonly<Record<string, unknown>>): string | undefined {
  if (problem.type !== "urn:gpuc:problem:insufficient-funds") return undefined;
  const [required, available, missing] = GPUC_MEMBERS.map((key) => problem[key]);
  const units = (value: unknown): value is string => typeof value === "string" && /^\d+$/.test(value);
  if (!units(required) || !units(available) || !units(missing)) return undefined;
  return `The rental needs ${formatGpuc(required)} but the wallet holds ${formatGpuc(available)}; add ${formatGpuc(missing)} and retry`;
}

/** "needs 2000000 GPUC units" → "needs 2 GPUC"; "holds 150075000000 nanoERG" → "holds 150.075 ERG". */
export function humanAmounts(text: string): string {
  return text
    .replace(/\b(\d+) GPUC units\b/g, (_match, units: string) => formatGpuc(units))
    .replace(/\b(\d+) nanoERG\b/g, (_match, nanoErg: string) => formatErg(nanoErg));
}

/**
 * The CLI's error for a failure @gpuc/sdk reports, so it exits and reads as it always has: a problem answer is
 * `ApiError` (exit 3), an unreachable or silent service `UnreachableError` (exit 4), a malformed amount
 * `UsageError` (exit 2). Anything else is returned as it is.
 */
export function fromSdkError(error: unknown): unknown {
  if (error instanceof ProblemError)
    return new ApiError(error.status, error.problem, `${error.method} ${error.path}`);
  if (error instanceof TimeoutError) {
    return new UnreachableError(
      error.service,
      error.baseUrl,
      new Error(`no answer within ${error.timeoutMs} ms`),
    );
  }
  if (error instanceof NetworkError)
    return new UnreachableError(error.service, error.baseUrl, error.cause ?? error);
  if (error instanceof InvalidAmountError) return new UsageError(error.message, { cause: error });
  return error;
}

/** A marketplace request about to be sent: where, and the part `checkRequest` checks. */
export interface MarketRequest {
  readonly baseUrl: string;
  readonly method: "GET" | "POST" | "PUT" | "DELETE";
  /** The path without its query, e.g. `/api/v1/gpus`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly location: "body" | "params" | "query";
}

/**
 * Checks one part of a marketplace request with the schema the marketplace checks it with (the sdk's), before
 * sending it. A part it would refuse fails here with the very problem it would answer: 400, `Invalid request
 * query: min_vram: Invalid input: expected number, received NaN`, and the issues, for the same request line.
 *
 * @throws ProblemError (so `ApiError`, exit 3), without any request made.
 * @example
 * checkRequest(searchQuery, query, { baseUrl, method: "GET", path: "/api/v1/gpus", query, location: "query" });
 */
export function checkRequest<S extends z.ZodType>(schema: S, input: unknown, request: MarketRequest): void {
  const result = schema.safeParse(input);
  if (result.success) return;
  const issues = result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
  const problem: Problem = {
    type: "urn:gpuc:problem:validation",
    title: "Bad Request",
    status: 400,
    detail: `Invalid request ${request.location}: ${issues.map((issue) => `${issue.path || request.location}: ${issue.message}`).join("; ")}`,
    issues,
  };
  // The request line as the sdk's HttpClient writes it (the query's defined members, in order).
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(request.query ?? {}))
    if (value !== undefined) query.set(key, value);
  const search = query.toString();
  const path = search ? `${request.path}?${search}` : request.path;
  throw new ProblemError(
    { service: "The marketplace", method: request.method, path, url: `${request.baseUrl}${path}` },
    problem,
  );
}
