import { assert } from "@gpuc/platform/http";
import type { CloseReason, ExecutorInstance, ExecutorReason, Instance, InstanceState } from "@gpuc/sdk";
import type { Principal } from "../core/route.ts";
import type { GpusRepository } from "../gpus/gpus.repository.ts";
import type { ProvidersRepository } from "../providers/providers.repository.ts";
import { toExecutorInstance, toInstance } from "./instance-views.ts";
import type { InstancesRepository } from "./instances.repository.ts";
import type { InstanceTransitions } from "./transitions.ts";

export interface ExecutorReportsDeps {
  repo: InstancesRepository;
  gpus: GpusRepository;
  providers: ProvidersRepository;
  transitions: InstanceTransitions;
}

export interface ExecutorEvent {
  state: InstanceState;
  reason?: ExecutorReason;
  detail?: string;
  billedSeconds?: number;
}

/** The provider's executor side of a rental: what it must run, and the progress it reports. */
export class ExecutorReportsService {
  constructor(private readonly d: ExecutorReportsDeps) {}

  /** What the executor of `providerId` must run. */
  async forExecutor(
    principal: Principal,
    providerId: string,
    states: readonly InstanceState[],
  ): Promise<ExecutorInstance[]> {
    const provider = await this.d.providers.find(providerId);
    assert(
      provider?.owner_address === principal.address,
      404,
      `Provider ${providerId} not found among yours`,
    );
    const rows = await this.d.repo.listByProvider(providerId, states);
    const gpus = await this.d.gpus.findMany(rows.map((row) => row.gpu_id));
    return rows.map((row) => toExecutorInstance(row, gpus.get(row.gpu_id)));
  }

  /**
   * The provider's executor reports progress. It speaks only for its own side: it never closes a rental as the
   * arbiter or as provider_down (the marketplace's verdicts, the ones it settles), never touches a rental not
   * yet funded, and a rental it fails stays disputable and refundable while its escrow is unspent.
   */
  async report(principal: Principal, id: string, event: ExecutorEvent): Promise<Instance> {
    const row = await this.d.repo.find(id);
    const provider = row && (await this.d.providers.find(row.provider_id));
    assert(
      row && provider?.owner_address === principal.address,
      404,
      `Instance ${id} not found among your provider's`,
    );
    assert(
      row.state !== "Created",
      409,
      `Instance ${id} is not funded yet; an executor reports only on rentals it was given`,
    );
    const { reason, detail } = executorClose(event.state, event.reason, event.detail);
    // An executor repeats the state the instance is already in (e.g. Stopping after a consumer's stop through the
    // marketplace, or a retried delivery): nothing to do, so success rather than a 409 that blocks its outbox.
    await this.d.transitions.move(
      id,
      () => event.state,
      { reason, detail, billedSeconds: event.billedSeconds },
      { sameStateIsNoop: true },
    );
    return toInstance((await this.d.repo.find(id))!);
  }
}

/**
 * The close reason an executor's event records: an executor's provider_down (its container vanished) is its own
 * failure, provider_rejected; a rental it fails ends provider_rejected and nothing else.
 */
function executorClose(
  state: InstanceState,
  reason: ExecutorReason | undefined,
  detail: string | undefined,
): { reason?: CloseReason; detail?: string } {
  if (reason === "provider_down")
    return {
      reason: "provider_rejected",
      detail: `executor reported provider_down${detail ? `: ${detail}` : ""}`,
    };
  if (state !== "Failed") return { reason, detail };
  assert(
    reason === undefined || reason === "provider_rejected",
    400,
    `An executor fails a rental with reason provider_rejected, not ${reason}; stop it (Stopping) to close it otherwise`,
  );
  return { reason: "provider_rejected", detail };
}
