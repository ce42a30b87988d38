import { Writable } from "node:stream";
import {
  type CloseReason,
  createInstanceRequest,
  formatGpuc,
  type Instance,
  instanceIdParams,
  logsQuery,
} from "@gpuc/sdk";
import { openLogs, rentGpu, stopInstance } from "../actions/rentals.ts";
import { CliError, UsageError } from "../core/errors.ts";
import { checkRequest } from "../core/problems.ts";
import { keyValues, table } from "../core/table.ts";
import { argument, type CommandEnv, integerOption, optionalString, stringOption } from "./command.ts";
import { session } from "./session.ts";

/** What each close reason means, for people. */
const CLOSE_REASON_TEXT: Readonly<Record<CloseReason, string>> = {
  user_stopped: "stopped by the consumer",
  funds_exhausted: "the prepaid hours ran out",
  provider_down: "the provider's executor went silent; the arbiter refunds what was not used",
  provider_rejected: "the provider's executor refused the rental or could not run it",
  arbiter: "settled by the arbiter",
};

/** The rental ended Failed (its executor refused it, or the escrow never confirmed); exit 1. */
export class RentalFailedError extends CliError {
  constructor(readonly instance: Instance) {
    super(
      `Instance ${instance.id} failed: ${instance.closeDetail ?? (instance.closeReason ? CLOSE_REASON_TEXT[instance.closeReason] : "no close reason recorded")}${instance.closeReason ? ` (${instance.closeReason})` : ""}; \`gpuc instances show ${instance.id}\` has the rest`,
    );
  }

  override get details(): Readonly<Record<string, unknown>> {
    return { instance: this.instance };
  }
}

const stateOf = (instance: Instance) =>
  `${instance.state}${instance.closeReason ? ` (${instance.closeReason})` : ""}`;

/** A rental on one line (what `rent` and `stop` print). */
const summary = (instance: Instance) =>
  `${instance.id}  ${stateOf(instance)}  ${instance.image}  ${instance.hours} h × ${formatGpuc(instance.pricePerHour)}${instance.expiresAt ? `  until ${instance.expiresAt}` : ""}`;

function instanceId(env: CommandEnv, suffix = ""): string {
  const id = argument(env, "id");
  const path = `/api/v1/instances/${encodeURIComponent(id)}${suffix}`;
  const method = suffix ? "POST" : "GET";
  checkRequest(
    instanceIdParams,
    { id },
    { baseUrl: env.config.marketplaceUrl, method, path, location: "params" },
  );
  return id;
}

export async function rent(env: CommandEnv): Promise<void> {
  const cmd = optionalString(env, "cmd");
  const request = {
    gpuId: argument(env, "gpu-id"),
    hours: integerOption(env, "hours"),
    image: stringOption(env, "image"),
    cmd: cmd === undefined ? undefined : ["sh", "-c", cmd],
    env: envPairs(env),
  };
  checkRequest(createInstanceRequest, request, {
    baseUrl: env.config.marketplaceUrl,
    method: "POST",
    path: "/api/v1/instances",
    location: "body",
  });
  const instance = await rentGpu(session(env), request, { untilRunning: env.values["no-wait"] !== true });
  if (instance.state === "Failed") throw new RentalFailedError(instance);
  env.output.result(instance, summary(instance));
}

export async function list(env: CommandEnv): Promise<void> {
  const page = await session(env).market.listInstances({ limit: 100 });
  if (page.items.length === 0) {
    env.output.result(page, "No instances");
    return;
  }
  const rows = page.items.map((instance) => [
    instance.id,
    stateOf(instance),
    instance.image,
    String(instance.hours),
    formatGpuc(instance.pricePerHour),
    formatGpuc(instance.amount),
    instance.expiresAt ?? "—",
  ]);
  env.output.result(
    page,
    `${table(
      [
        { header: "ID" },
        { header: "STATE" },
        { header: "IMAGE" },
        { header: "HOURS", align: "right" },
        { header: "PRICE/H", align: "right" },
        { header: "ESCROW", align: "right" },
        { header: "UNTIL" },
      ],
      rows,
    )}\n${page.items.length} of ${page.total} instance${page.total === 1 ? "" : "s"}`,
  );
}

export async function show(env: CommandEnv): Promise<void> {
  const instance = await session(env).market.instance(instanceId(env));
  env.output.result(instance, describeInstance(instance));
}

/** One rental as `key  value` lines: what runs, what it costs, where it stands and, once closed, why. */
export function describeInstance(instance: Instance): string {
  const reason = instance.closeReason;
  return keyValues([
    ["instance", instance.id],
    ["state", instance.state],
    ["close reason", reason ? `${reason}: ${CLOSE_REASON_TEXT[reason]}` : undefined],
    ["why", instance.closeDetail ?? undefined],
    ["dispute", instance.disputeReason ?? undefined],
    ["GPU offer", instance.gpuId],
    ["provider", instance.providerId],
    ["image", instance.image],
    ["command", instance.cmd ? instance.cmd.map(quote).join(" ") : undefined],
    ["ports", instance.ports?.length ? instance.ports.join(", ") : undefined],
    [
      "price",
      `${instance.hours} h × ${formatGpuc(instance.pricePerHour)} = ${formatGpuc(instance.amount)} in escrow`,
    ],
    ["billed", instance.billedSeconds === null ? undefined : `${instance.billedSeconds} s`],
    ["funded", instance.fundedAt ?? undefined],
    ["until", instance.expiresAt ?? undefined],
    ["escrow box", instance.escrowBoxId ?? undefined],
    ["escrow tx", instance.escrowTxId ?? undefined],
    ["settlement tx", instance.settlementTxId ?? undefined],
    ["executor", instance.executorUrl ?? undefined],
    ["created", instance.createdAt],
    ["updated", instance.updatedAt],
  ]);
}

/** A word as a shell reads it back. */
function quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export async function logs(env: CommandEnv): Promise<void> {
  const tail = optionalString(env, "tail");
  // The executor's own check of the query, before asking the marketplace for a credential.
  const checked = logsQuery.pick({ tail: true }).safeParse({ tail });
  if (!checked.success) throw new UsageError(`--tail: ${checked.error.issues[0]?.message ?? "is not valid"}`);
  const follow = env.values.follow === true;
  const stream = await openLogs(session(env), instanceId(env), {
    tail: checked.data.tail,
    follow,
    executorUrl: env.config.executorUrl,
  });
  if (follow) {
    // Piped: the executor writes only as fast as this terminal reads.
    await stream.body.pipeTo(Writable.toWeb(process.stdout));
    return;
  }
  const text = await stream.text();
  env.output.result({ logs: text }, text.replace(/\n$/, ""));
}

export async function stop(env: CommandEnv): Promise<void> {
  const instance = await stopInstance(session(env), instanceId(env, "/stop"), {
    wait: env.values.wait === true,
  });
  env.output.result(instance, summary(instance));
}

function envPairs(env: CommandEnv): Record<string, string> | undefined {
  const pairs = env.values.env;
  if (!Array.isArray(pairs) || pairs.length === 0) return undefined;
  return Object.fromEntries(
    pairs.map((pair) => {
      const text = String(pair);
      const at = text.indexOf("=");
      if (at < 1) throw new UsageError(`--env wants KEY=VALUE, not "${text}"`);
      return [text.slice(0, at), text.slice(at + 1)];
    }),
  );
}
