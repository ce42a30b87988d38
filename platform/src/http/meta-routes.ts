import { z } from "zod";
import { buildOpenApi, type OpenApiInfo, type OpenApiOptions } from "./openapi.ts";
import { createRouteKit, type Route } from "./route.ts";

/** What `metricsRoute` reads: a prom-client `Registry` fits. */
export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string>;
}

/**
 * `GET <path>`: the Prometheus text exposition of `registry`, after `refresh` (figures read on demand).
 * Public: serve it on a private interface or behind the proxy's access rules in production.
 */
export function metricsRoute<Requirement extends string, Principal>(
  registry: MetricsSource,
  { path = "/metrics", refresh }: { path?: string; refresh?: () => Promise<void> } = {},
): Route<Requirement, Principal> {
  return createRouteKit<Principal, Requirement>().defineRoute({
    method: "get",
    path,
    tag: "meta",
    summary: "Prometheus metrics (text exposition format)",
    contentType: registry.contentType,
    response: z.string(),
    handle: async ({ res }) => {
      await refresh?.();
      res.type(registry.contentType).send(await registry.metrics());
    },
  });
}

/**
 * `routes` followed by `GET <path>` answering their OpenAPI 3.1 document (which lists itself too), built once.
 *
 * @example
 * mountRoutes(app, withOpenApi(routes, "/openapi.json", { title: "GPUC executor API", version: "1.0.0" }), …);
 */
export function withOpenApi<Requirement extends string, Principal>(
  routes: readonly Route<Requirement, Principal>[],
  path: string,
  info: OpenApiInfo,
  options?: OpenApiOptions,
): Route<Requirement, Principal>[] {
  const self = createRouteKit<Principal, Requirement>().defineRoute({
    method: "get",
    path,
    tag: "meta",
    summary: "This OpenAPI 3.1 document",
    response: z.record(z.string(), z.unknown()),
    handle: async () => document,
  });
  const all = [...routes, self];
  const document = buildOpenApi(all, info, options);
  return all;
}
