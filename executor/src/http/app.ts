import { pipeline } from "node:stream";
import type { Logger } from "@gpuc/platform";
import {
  accessLog,
  createRouteKit,
  errorHandler,
  metricsRoute,
  mountRoutes,
  notFound,
  type Route,
  requestId,
  withOpenApi,
} from "@gpuc/platform/http";
import {
  execRequest,
  execResponse,
  healthResponse,
  instanceReceiptsResponse,
  logsQuery,
  portsResponse,
  precheckRequest,
  precheckResponse,
  statsResponse,
  stopResponse,
} from "@gpuc/sdk";
import express, { type Express, type Response } from "express";
import { z } from "zod";
import type { Agent } from "../agent/agent.ts";
import type { ContainerRuntime } from "../docker/containers.ts";
import { ContainerNotFoundError } from "../docker/errors.ts";
import type { GpuStatus } from "../gpu/gpu-probe.ts";
import type { ExecutorMetrics } from "../metrics.ts";
import { CallLimiter } from "./call-limiter.ts";
import { singleOriginCors } from "./cors.ts";
import {
  type Action,
  type Credential,
  type CredentialVerifier,
  credentialAuthorizer,
} from "./credentials.ts";
import {
  InstanceAlreadyEndedError,
  InstanceNotHereError,
  InstanceNotRunningError,
  RentalRefusedError,
  TooManyCallsError,
} from "./errors.ts";

export interface ExecLimits {
  /** Longest an exec may run before the response returns without an exit code. */
  readonly maxTimeoutSeconds: number;
  /** Output kept per stream. */
  readonly maxOutputBytes: number;
}

export interface AppDeps {
  readonly agent: Agent;
  readonly runtime: ContainerRuntime;
  readonly verifier: CredentialVerifier;
  readonly metrics: ExecutorMetrics;
  readonly log: Logger;
  readonly exec: ExecLimits;
  /** The one web origin allowed by CORS on logs, stats, ports and stop (none when unset). */
  readonly corsOrigin?: string;
  /** Logs streams and execs one instance may have in flight together (default 4). */
  readonly maxCallsPerInstance?: number;
}

/**
 * Lines returned when a logs request names no `tail`: a consumer without `tail` gets the recent log, not every
 * line a long rental ever wrote.
 */
export const DEFAULT_LOG_TAIL = 10_000;

type ExecutorRoute = Route<Action, Credential>;
const { defineRoute } = createRouteKit<Credential, Action>();
const instanceParams = z.object({ id: z.string().min(1).max(128) });

/**
 * Every route of the executor's API, in one list: mounted on Express and described by its OpenAPI document.
 * The consumer's logs, exec, ports and stop each need a marketplace credential for that instance and action.
 */
export function executorRoutes(deps: AppDeps): ExecutorRoute[] {
  const { agent, runtime, metrics, log } = deps;
  const limiter = new CallLimiter(deps.maxCallsPerInstance ?? 4);
  /** Holds one of the instance's call slots until the response closes; 429 when none is free. */
  const holdSlot = (instanceId: string, res: Response) => {
    const release = limiter.tryAcquire(instanceId);
    if (!release) throw new TooManyCallsError(instanceId, limiter.max);
    res.on("close", release);
  };
  const routes: ExecutorRoute[] = [
    defineRoute({
      method: "get",
      path: "/healthz",
      tag: "meta",
      summary: "Liveness",
      response: healthResponse,
      handle: async () => ({ status: "ok" as const }),
    }),
    metricsRoute(metrics.registry),
    defineRoute({
      method: "get",
      path: "/instances/{id}/logs",
      tag: "instances",
      summary: "The instance's log, optionally followed as it grows",
      auth: "logs",
      params: instanceParams,
      query: logsQuery,
      contentType: "text/plain; charset=utf-8",
      response: z.string(),
      errors: [404, 429],
      handle: async ({ params, query, res }) => {
        holdSlot(params.id, res);
        const logs = await runtime.logs(await agent.containerOf(params.id), {
          follow: query.follow,
          tail: query.tail ?? DEFAULT_LOG_TAIL,
          ...(query.since !== undefined ? { since: query.since } : {}),
          timestamps: query.timestamps,
        });
        res.status(200).type("text/plain; charset=utf-8");
        res.setHeader("cache-control", "no-store");
        res.setHeader("x-content-type-options", "nosniff");
        res.flushHeaders();
        res.on("close", () => logs.close());
        // pipeline passes the client's backpressure on to Docker and handles errors of either side.
        pipeline(logs.stream, res, (error) => {
          if (error && !res.destroyed) log.warn("LOGS_STREAM_FAILED", { instanceId: params.id, error });
        });
      },
    }),
    defineRoute({
      method: "post",
      path: "/instances/{id}/exec",
      tag: "instances",
      summary: "Run a command in the instance's container",
      auth: "exec",
      params: instanceParams,
      body: execRequest,
      response: execResponse,
      errors: [404, 409, 429],
      handle: async ({ params, body, res }) => {
        holdSlot(params.id, res);
        const containerId = await agent.containerOf(params.id);
        const info = await runtime.inspect(containerId);
        if (!info?.State.Running) throw new InstanceNotRunningError(params.id);
        const timeoutSeconds = Math.min(
          body.timeoutSeconds ?? deps.exec.maxTimeoutSeconds,
          deps.exec.maxTimeoutSeconds,
        );
        const result = await runtime.exec(containerId, body.cmd, {
          timeoutMs: timeoutSeconds * 1000,
          maxBytes: deps.exec.maxOutputBytes,
        });
        log.info("INSTANCE_EXEC", {
          instanceId: params.id,
          exitCode: result.exitCode,
          timedOut: result.timedOut,
        });
        return result;
      },
    }),
    defineRoute({
      method: "get",
      path: "/instances/{id}/ports",
      tag: "instances",
      summary: "The instance's published ports",
      auth: "ports",
      params: instanceParams,
      response: portsResponse,
      errors: [404],
      handle: async ({ params }) => {
        const info = await runtime.inspect(await agent.containerOf(params.id));
        const bindings = info?.NetworkSettings?.Ports ?? {};
        const ports = Object.entries(bindings).flatMap(([key, hosts]) =>
          (hosts ?? []).map((host: { HostIp: string; HostPort: string }) => ({
            containerPort: Number(key.split("/")[0]),
            hostIp: host.HostIp,
            hostPort: Number(host.HostPort),
          })),
        );
        return { ports };
      },
    }),
    defineRoute({
      method: "get",
      path: "/instances/{id}/stats",
      tag: "instances",
      summary: "One CPU, memory and GPU usage sample of the instance now",
      // A read-only view of the container, like its log: the same credential scope.
      auth: "logs",
      params: instanceParams,
      response: statsResponse,
      errors: [404],
      handle: async ({ params, res }) => {
        const containerId = await agent.containerOf(params.id);
        const [usage, gpus] = await Promise.all([runtime.usage(containerId), agent.gpusOf(params.id)]);
        if (!usage) throw new ContainerNotFoundError(params.id);
        res.setHeader("cache-control", "no-store");
        return { at: new Date().toISOString(), ...usage, gpus: gpus.map(gpuSample) };
      },
    }),
    defineRoute({
      method: "get",
      path: "/instances/{id}/receipts",
      tag: "instances",
      summary:
        "The signed usage receipts of the instance's settled billing periods, each with its Merkle proof",
      // Read-only, like the log and the stats: the same credential scope.
      auth: "logs",
      params: instanceParams,
      response: instanceReceiptsResponse,
      errors: [404],
      handle: async ({ params }) => {
        const receipts = await agent.receiptsOf(params.id);
        if (!receipts) throw new InstanceNotHereError(params.id);
        return receipts;
      },
    }),
    defineRoute({
      method: "post",
      path: "/instances/{id}/stop",
      tag: "instances",
      summary: "Stop the instance; the executor settles its final usage",
      auth: "stop",
      params: instanceParams,
      response: stopResponse,
      status: 202,
      errors: [404, 409],
      handle: async ({ params }) => {
        const result = await agent.requestStop(params.id, "user_stopped");
        if (result === "unknown") throw new InstanceNotHereError(params.id);
        if (result === "already-ended") throw new InstanceAlreadyEndedError(params.id);
        return { state: "Stopping" as const };
      },
    }),
    defineRoute({
      method: "post",
      path: "/instances/{id}/precheck",
      tag: "instances",
      summary:
        "Whether this executor would run a rental the marketplace is about to create (before anyone pays)",
      auth: "precheck",
      params: instanceParams,
      body: precheckRequest,
      response: precheckResponse,
      errors: [422],
      handle: async ({ params, body }) => {
        const refusal = await agent.precheck(params.id, body);
        if (refusal) throw new RentalRefusedError(refusal);
        return { ok: true as const };
      },
    }),
  ];
  return withOpenApi(
    routes,
    "/openapi.json",
    {
      title: "GPUC executor API",
      version: "1.0.0",
      description:
        "A provider's executor: a rental's logs, usage stats, exec, ports and stop, and the marketplace's pre-check. Errors are application/problem+json.",
    },
    {
      bearerDescription: "The rental's credential from the marketplace (an EdDSA JWT scoped to the instance)",
    },
  );
}

const gpuSample = ({ index, uuid, utilizationPercent, memoryUsedMiB, memoryTotalMiB }: GpuStatus) => ({
  index,
  uuid,
  utilizationPercent,
  memoryUsedMiB,
  memoryTotalMiB,
});

/** A domain error safe to show the caller, with its status. */
function statusOf(error: unknown): number | undefined {
  return error instanceof ContainerNotFoundError ? 404 : undefined;
}

/** The executor's HTTP API over the agent and the container runtime: request ids, access logs, the routes, problem+json. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");
  app.use(
    requestId(),
    accessLog({ log: deps.log, level: "debug" }),
    singleOriginCors({ origin: deps.corsOrigin }),
  );
  app.use(express.json({ limit: "256kb" }));
  mountRoutes(app, executorRoutes(deps), { authorize: credentialAuthorizer(deps.verifier) });
  app.use(notFound({ docsPath: "/openapi.json" }), errorHandler({ log: deps.log, statusOf }));
  return app;
}
