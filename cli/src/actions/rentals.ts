import {
  ENDED_STATES,
  ExecutorClient,
  formatGpuc,
  type Instance,
  isOneOf,
  type LogStream,
  RENTAL_STATES,
} from "@gpuc/sdk";
import { CliError } from "../core/errors.ts";
import { waitUntil } from "../core/wait.ts";
import type { Gpuc } from "./context.ts";

export interface RentRequest {
  readonly gpuId: string;
  readonly hours: number;
  readonly image: string;
  readonly cmd?: string[];
  readonly env?: Record<string, string>;
}

/** The instance has no executor endpoint to reach its container through. */
export class NoExecutorEndpointError extends CliError {
  constructor(readonly instanceId: string) {
    super(
      `Instance ${instanceId} has no executor endpoint yet (its provider's executor has not announced one); retry shortly or set GPUC_EXECUTOR_URL`,
    );
  }
}

/**
 * Rents a GPU offer: the marketplace builds the escrow transaction, the wallet signs it here, the marketplace
 * submits it; then waits until the indexer has seen the escrow confirmed (Funded) and, with `untilRunning`, until
 * the executor runs the container.
 */
export async function rentGpu(ctx: Gpuc, request: RentRequest, options: { untilRunning?: boolean } = {}) {
  const { instance, unsignedTx } = await ctx.market.createInstance(request);
  ctx.output.progress(`Instance ${instance.id}: escrow of ${formatGpuc(instance.amount)} to sign`);
  const signed = await ctx.wallet.signer.sign(
    unsignedTx as Parameters<typeof ctx.wallet.signer.sign>[0],
    ctx.chain.client,
  );
  await ctx.market.fundInstance(instance.id, signed);
  ctx.output.progress(`Instance ${instance.id}: escrow transaction ${signed.id} submitted`);
  // Funded or any state the executor reports after it (it may already run, or have failed); with untilRunning,
  // past Starting.
  const before: readonly string[] = options.untilRunning ? ["Funded", "Starting"] : [];
  const done = (current: Instance) =>
    isOneOf(current.state, RENTAL_STATES) && !before.includes(current.state);
  return waitForInstance(ctx, instance.id, done, "to be funded");
}

/** Polls an instance until `done`, printing each state change. */
export function waitForInstance(
  ctx: Gpuc,
  instanceId: string,
  done: (instance: Instance) => boolean,
  what: string,
  timeoutMs = 300_000,
): Promise<Instance> {
  return waitUntil(
    `instance ${instanceId} ${what}`,
    () => ctx.market.instance(instanceId),
    done,
    (instance) =>
      `instance ${instanceId}: ${instance.state}${instance.closeReason ? ` (${instance.closeReason})` : ""}`,
    { onChange: (text) => ctx.output.progress(text), timeoutMs },
  );
}

/** Asks the marketplace to stop the instance; with `wait`, until the executor has ended it. */
export async function stopInstance(ctx: Gpuc, instanceId: string, options: { wait?: boolean } = {}) {
  const instance = await ctx.market.stopInstance(instanceId);
  if (!options.wait) return instance;
  return waitForInstance(ctx, instanceId, ended, "to end");
}

/** No container runs for it any more: Completed, Failed or Resolved. */
const ended = (instance: Instance) => isOneOf(instance.state, ENDED_STATES);

/**
 * The container's logs (stdout and stderr), from the provider's executor, with a `logs` credential the marketplace
 * issues to the instance's consumer.
 */
export async function instanceLogs(
  ctx: Gpuc,
  instanceId: string,
  options: { tail?: number; executorUrl?: string } = {},
): Promise<string> {
  return (await openLogs(ctx, instanceId, { ...options, follow: false })).text();
}

/** The executor's log stream (open while the container runs when `follow`). */
export async function openLogs(
  ctx: Gpuc,
  instanceId: string,
  options: { tail?: number; executorUrl?: string; follow?: boolean; signal?: AbortSignal },
): Promise<LogStream> {
  const instance = await ctx.market.instance(instanceId);
  const base = options.executorUrl ?? instance.executorUrl ?? undefined;
  if (!base) throw new NoExecutorEndpointError(instanceId);
  const credential = await ctx.market.issueCredential(instanceId, ["logs"]);
  const executor = new ExecutorClient({ baseUrl: base, auth: credential.token });
  const { follow = false, tail, signal } = options;
  return executor.logs(instanceId, { follow, tail, ...(signal ? { signal } : {}) });
}
