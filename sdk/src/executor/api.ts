import * as z from "zod";

const flag = z
  .enum(["true", "false", "1", "0"])
  .optional()
  .transform((value) => value === "true" || value === "1");

/** The query of `GET /instances/{id}/logs` as the executor reads it. */
export const logsQuery = z.object({
  follow: flag,
  tail: z.coerce.number().int().min(0).max(100_000).optional(),
  since: z.coerce.number().int().min(0).optional(),
  timestamps: flag,
});

/** What a client asks of the logs: keep the stream open (`follow`), the last `tail` lines, lines since (Unix s). */
export interface LogsOptions {
  readonly follow?: boolean;
  readonly tail?: number;
  readonly since?: number;
  readonly timestamps?: boolean;
}

/** `POST /instances/{id}/exec`: a command run in the rental's container, within the executor's time limit. */
export const execRequest = z.object({
  cmd: z.array(z.string().max(4096)).min(1).max(256),
  timeoutSeconds: z.number().positive().optional(),
});

export const execResponse = z.object({
  /** Null when the command was still running at the timeout. */
  exitCode: z.number().int().nullable(),
  stdout: z.string(),
  stderr: z.string(),
  timedOut: z.boolean(),
  /** True when output beyond the executor's byte limit was dropped. */
  truncated: z.boolean(),
});

export const portsResponse = z.object({
  ports: z.array(
    z.object({ containerPort: z.number().int(), hostIp: z.string(), hostPort: z.number().int() }),
  ),
});

/**
 * `GET /instances/{id}/stats`: one usage sample of the rental now. CPU is percent of one CPU (200 = two busy),
 * as `docker stats` shows it; `gpus` are the rental's pinned GPUs (empty for a CPU-only rental), with `null`
 * where the driver does not report a value.
 */
export const statsResponse = z.object({
  at: z.iso.datetime(),
  cpuPercent: z.number().min(0),
  memoryBytes: z.number().int().min(0),
  memoryLimitBytes: z.number().int().min(0),
  gpus: z.array(
    z.object({
      index: z.number().int().min(0),
      uuid: z.string(),
      utilizationPercent: z.number().nullable(),
      memoryUsedMiB: z.number().nullable(),
      memoryTotalMiB: z.number(),
    }),
  ),
});

/** `POST /instances/{id}/stop` answers 202: the executor stops the container and settles. */
export const stopResponse = z.object({ state: z.literal("Stopping") });

export const healthResponse = z.object({ status: z.literal("ok") });

/**
 * `POST /instances/{id}/precheck`: the marketplace asks the offer's executor whether it would run this rental,
 * before it hands the consumer an escrow to sign (nobody pays for a rental that would be refused). Authorised by
 * a marketplace credential for the new rental's id with the `precheck` scope.
 */
export const precheckRequest = z.object({
  image: z.string().min(1).max(512),
  ports: z.array(z.number().int().min(1).max(65535)).max(32).optional(),
  /** The GPUs the offer pins (device ids or uuids on the provider's machine). */
  gpuIds: z.array(z.string().max(128)).max(64),
});

/** A rental the executor would run; a refusal is a 422 problem (`rental-refused`) whose `reason` says why. */
export const precheckResponse = z.object({ ok: z.literal(true) });

export type PrecheckRequest = z.input<typeof precheckRequest>;
export type ExecRequest = z.input<typeof execRequest>;
export type ExecResponse = z.output<typeof execResponse>;
export type PortsResponse = z.output<typeof portsResponse>;
export type StopResponse = z.output<typeof stopResponse>;
export type StatsResponse = z.output<typeof statsResponse>;
