import fc from "fast-check";
import type { RouteInfo } from "../../http/route.ts";
import { violationOf } from "./check.ts";
import { tamper } from "./credentials.ts";
import type { Samples } from "./json-schema.ts";
import { type FuzzRequest, requestsFor } from "./requests.ts";
import { type FuzzReply, send } from "./send.ts";

/** The service under fuzz: where it listens, its routes, and the world's real ids and credentials. */
export interface FuzzTarget {
  readonly baseUrl: string;
  readonly routes: readonly RouteInfo[];
  /** Real ids by property name (`id`, `providerId`, `gpuId`…), so valid requests get past the 404. */
  readonly samples?: Samples;
  /** A credential the route should accept (`Bearer …` is added), or undefined to send none. */
  readonly validCredential?: (route: RouteInfo) => Promise<string | undefined>;
}

export interface FuzzOptions {
  /** Requests per route. */
  readonly runs: number;
  readonly seed?: number;
  /** Requests in flight together. */
  readonly concurrency?: number;
  readonly timeoutMs?: number;
  /** Findings listed per route (all are counted). */
  readonly maxListed?: number;
  /** Called after each route, e.g. to print progress. */
  readonly onRoute?: (key: string, report: RouteReport) => void;
}

/** One reply worth a look, with the request that got it (long values cut). */
export interface Finding {
  readonly request: {
    method: string;
    path: string;
    headers: Record<string, string>;
    body?: string;
    credential: string;
    shape: string;
  };
  readonly status: number;
  readonly why: string;
}

export interface RouteReport {
  requests: number;
  byClass: Record<string, number>;
  byStatus: Record<string, number>;
  /** Every 5xx (up to `maxListed`), with its request. */
  fiveXx: Finding[];
  fiveXxCount: number;
  /** 4xx that are not a problem+json saying what is wrong, 2xx off their schema, hangs. */
  violations: number;
  violationSamples: Finding[];
}

export interface FuzzReport {
  runsPerRoute: number;
  seed: number;
  seconds: number;
  totals: { requests: number; fiveXx: number; violations: number };
  routes: Record<string, RouteReport>;
}

const BATCH = 250;

/**
 * Sends `options.runs` generated requests to each route of `target` and reports, per route, the status classes,
 * every 5xx with its request, and every 4xx that is not a problem+json with a useful detail.
 *
 * @example
 * const report = await fuzzRoutes({ baseUrl, routes: apiRoutes(services, {}) }, { runs: 100 });
 * expect(report.totals.fiveXx).toBe(0);
 */
export async function fuzzRoutes(target: FuzzTarget, options: FuzzOptions): Promise<FuzzReport> {
  const started = performance.now();
  const seed = options.seed ?? Date.now() % 2 ** 31;
  const routes: Record<string, RouteReport> = {};
  for (const [index, route] of target.routes.entries()) {
    const key = routeKey(route);
    routes[key] = await fuzzRoute(target, route, { ...options, seed: seed + index * 7919 });
    options.onRoute?.(key, routes[key]);
  }
  const all = Object.values(routes);
  const sum = (pick: (r: RouteReport) => number) => all.reduce((total, r) => total + pick(r), 0);
  return {
    runsPerRoute: options.runs,
    seed,
    seconds: Math.round((performance.now() - started) / 100) / 10,
    totals: {
      requests: sum((r) => r.requests),
      fiveXx: sum((r) => r.fiveXxCount),
      violations: sum((r) => r.violations),
    },
    routes,
  };
}

/** `GET /api/v1/instances/{id}`: how routes are keyed in reports and coverage tables. */
export const routeKey = (route: Pick<RouteInfo, "method" | "path">) =>
  `${route.method.toUpperCase()} ${route.path}`;

async function fuzzRoute(target: FuzzTarget, route: RouteInfo, options: FuzzOptions & { seed: number }) {
  const report: RouteReport = {
    requests: 0,
    byClass: {},
    byStatus: {},
    fiveXx: [],
    fiveXxCount: 0,
    violations: 0,
    violationSamples: [],
  };
  const arbitrary = requestsFor(route, target.samples ?? (() => []));
  for (let done = 0; done < options.runs; done += BATCH) {
    const batch = fc.sample(arbitrary, {
      numRuns: Math.min(BATCH, options.runs - done),
      seed: options.seed + done,
    });
    await pool(batch, options.concurrency ?? 8, async (draft) => {
      const req = await withCredential(target, route, draft);
      record(
        report,
        route,
        req,
        await send(target.baseUrl, req, options.timeoutMs ?? 15_000),
        options.maxListed ?? 20,
      );
    });
  }
  return report;
}

async function withCredential(target: FuzzTarget, route: RouteInfo, req: FuzzRequest): Promise<FuzzRequest> {
  if (req.credential !== "valid" && req.credential !== "tampered") return req;
  const token = await target.validCredential?.(route);
  if (token === undefined) return req;
  const authorization =
    req.credential === "valid"
      ? `Bearer ${token}`
      : (fc.sample(tamper(token), { numRuns: 1, seed: req.seed })[0] ?? "");
  return { ...req, headers: { ...req.headers, authorization } };
}

function record(
  report: RouteReport,
  route: RouteInfo,
  req: FuzzRequest,
  reply: FuzzReply,
  maxListed: number,
) {
  report.requests++;
  const statusClass = reply.status === 0 ? "none" : `${Math.floor(reply.status / 100)}xx`;
  report.byClass[statusClass] = (report.byClass[statusClass] ?? 0) + 1;
  report.byStatus[reply.status] = (report.byStatus[reply.status] ?? 0) + 1;
  if (reply.status >= 500) {
    report.fiveXxCount++;
    if (report.fiveXx.length < maxListed) report.fiveXx.push(finding(req, reply, reply.body));
    return;
  }
  const why = violationOf(route, reply);
  if (why === undefined) return;
  report.violations++;
  if (report.violationSamples.length < maxListed) report.violationSamples.push(finding(req, reply, why));
}

const cut = (text: string, max = 300) =>
  text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;

function finding(req: FuzzRequest, reply: FuzzReply, why: string): Finding {
  return {
    request: {
      method: req.method,
      path: cut(req.path),
      headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, cut(v, 120)])),
      ...(req.body === undefined ? {} : { body: cut(req.body) }),
      credential: req.credential,
      shape: req.shape,
    },
    status: reply.status,
    why: cut(why),
  };
}

async function pool<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}
