import { pipeline } from "node:stream";
import type { Logger } from "@gpuc/platform";
import { execRequest, logsQuery } from "@gpuc/sdk";
import express, { type Express, type Request, type Response } from "express";
import type { Agent } from "../agent/agent.ts";
import type { ContainerRuntime } from "../docker/containers.ts";
import type { ExecutorMetrics } from "../metrics.ts";
import { CallLimiter } from "./call-limiter.ts";
import { type CredentialVerifier, requireCredential } from "./credentials.ts";
import { assertHttp, problemHandler } from "./problem.ts";

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
  /** Logs streams and execs one instance may have in flight together (default 4). */
  readonly maxCallsPerInstance?: number;
}

/**
 * Lines returned when a logs request names no `tail`: a consumer without `tail` gets the recent log, not every
 * line a long rental ever wrote.
 */
export const DEFAULT_LOG_TAIL = 10_000;

const idOf = (req: Request): string => String(req.params.id);

/**
 * The executor's HTTP API: the consumer's logs, exec, ports and stop (each behind a marketplace credential
 * for that instance and action), `/metrics` for Prometheus and `/healthz`.
 */
export function createApp(deps: AppDeps): Express {
  const { agent, runtime, verifier, metrics, log } = deps;
  const limiter = new CallLimiter(deps.maxCallsPerInstance ?? 4);
  /** Holds one of the instance's call slots until the response closes; 429 when none is free. */
  const holdSlot = (req: Request, res: Response) => {
    const release = limiter.tryAcquire(idOf(req));
    assertHttp(
      release,
      429,
      "Too many calls for this instance",
      `Instance ${idOf(req)} already has ${limiter.max} logs streams or commands open; close one and retry`,
    );
    res.on("close", release);
  };
  const app = express();
  app.disable("x-powered-by");
  app.use(express.json({ limit: "256kb" }));

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });

  app.get("/metrics", async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  app.get("/instances/:id/logs", requireCredential(verifier, "logs"), async (req, res) => {
    const query = logsQuery.parse(req.query);
    holdSlot(req, res);
    const containerId = await agent.containerOf(idOf(req));
    const logs = await runtime.logs(containerId, {
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
      if (error && !res.destroyed) log.warn("LOGS_STREAM_FAILED", { instanceId: idOf(req), error });
    });
  });

  app.post("/instances/:id/exec", requireCredential(verifier, "exec"), async (req, res) => {
    const body = execRequest.parse(req.body);
    holdSlot(req, res);
    const containerId = await agent.containerOf(idOf(req));
    const info = await runtime.inspect(containerId);
    assertHttp(info?.State.Running, 409, "Instance not running", "Commands run only while the instance runs");
    const timeoutSeconds = Math.min(
      body.timeoutSeconds ?? deps.exec.maxTimeoutSeconds,
      deps.exec.maxTimeoutSeconds,
    );
    const result = await runtime.exec(containerId, body.cmd, {
      timeoutMs: timeoutSeconds * 1000,
      maxBytes: deps.exec.maxOutputBytes,
    });
    log.info("INSTANCE_EXEC", {
      instanceId: idOf(req),
      exitCode: result.exitCode,
      timedOut: result.timedOut,
    });
    res.json(result);
  });

  app.get("/instances/:id/ports", requireCredential(verifier, "ports"), async (req, res) => {
    const info = await runtime.inspect(await agent.containerOf(idOf(req)));
    const bindings = info?.NetworkSettings?.Ports ?? {};
    const ports = Object.entries(bindings).flatMap(([key, hosts]) =>
      (hosts ?? []).map((host: { HostIp: string; HostPort: string }) => ({
        containerPort: Number(key.split("/")[0]),
        hostIp: host.HostIp,
        hostPort: Number(host.HostPort),
      })),
    );
    res.json({ ports });
  });

  app.post("/instances/:id/stop", requireCredential(verifier, "stop"), async (req, res) => {
    const result = await agent.requestStop(idOf(req), "user_stopped");
    assertHttp(
      result !== "unknown",
      404,
      "Instance not found",
      `Instance ${idOf(req)} does not run on this executor`,
    );
    assertHttp(
      result !== "already-ended",
      409,
      "Instance already ended",
      `Instance ${idOf(req)} has already ended`,
    );
    res.status(202).json({ state: "Stopping" });
  });

  app.use(problemHandler(log));
  return app;
}
