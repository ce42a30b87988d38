import type { Database, Logger } from "@gpuc/platform";
import { assert } from "@gpuc/platform/http";
import { CLOSE_REASONS, ENDED_STATES, type InstanceState } from "@gpuc/sdk";
import type { Clock } from "../core/clock.ts";
import type { Principal } from "../core/route.ts";
import type { GpusRepository } from "../gpus/gpus.repository.ts";
import type { ProvidersRepository } from "../providers/providers.repository.ts";
import type { InstanceRow, InstancesRepository, TransitionFields } from "./instances.repository.ts";
import { assertTransition, isClosing } from "./state-machine.ts";

const ENDED: readonly InstanceState[] = ENDED_STATES;
export interface TransitionsDeps {
  db: Database;
  repo: InstancesRepository;
  gpus: GpusRepository;
  providers: ProvidersRepository;
  clock: Clock;
  log: Logger;
}

/**
 * The one way a rental changes state (under a row lock, through the state machine, freeing the GPU when it
 * ends), and the ownership checks every rental service starts from.
 */
export class InstanceTransitions {
  constructor(private readonly d: TransitionsDeps) {}

  /**
   * Applies one transition under a row lock; closing states need a reason; terminal ones free the GPU. With
   * `sameStateIsNoop`, a move to the current state changes nothing (the first reason and detail stand).
   */
  async move(
    id: string,
    to: (row: InstanceRow) => InstanceState,
    fields: TransitionFields,
    options: { sameStateIsNoop?: boolean } = {},
  ): Promise<void> {
    await this.d.db.transaction(async () => {
      const row = await this.d.repo.find(id, true);
      assert(row, 404, `Instance ${id} not found`);
      const target = to(row);
      if (options.sameStateIsNoop && target === row.state) {
        this.d.log.info("INSTANCE_EVENT_REPEATED", {
          instanceId: id,
          state: target,
          reason: fields.reason,
          closeReason: row.close_reason,
        });
        return;
      }
      assertTransition(row.state, target);
      const reason = fields.reason ?? row.close_reason ?? undefined;
      // A rental that never got funded closes without a reason: nothing was paid, nothing settles.
      assert(
        !isClosing(target) || reason || row.state === "Created",
        400,
        `Moving to ${target} needs a reason (${CLOSE_REASONS.join(", ")})`,
      );
      await this.d.repo.transition(row, target, { ...fields, reason }, this.d.clock.now());
      if (ENDED.includes(target)) await this.d.gpus.release(row.gpu_id, row.id);
    });
  }

  /** The rental `id` if `principal` is its consumer (a 404 otherwise: another's rental is not shown to exist). */
  async consumerOwned(principal: Principal, id: string): Promise<InstanceRow> {
    const row = await this.d.repo.find(id);
    assert(row && row.consumer_address === principal.address, 404, `Instance ${id} not found among yours`);
    return row;
  }

  /** The rental `id` if `principal` is its consumer or its provider's owner. */
  async visible(principal: Principal, id: string): Promise<InstanceRow> {
    const row = await this.d.repo.find(id);
    assert(row && (await this.canSee(principal, row)), 404, `Instance ${id} not found`);
    return row;
  }

  private async canSee(principal: Principal, row: InstanceRow): Promise<boolean> {
    if (row.consumer_address === principal.address) return true;
    return (await this.d.providers.find(row.provider_id))?.owner_address === principal.address;
  }
}
