import { assert } from "@gpuc/platform/http";
import {
  type Credential,
  type CredentialScope,
  ENDED_STATES,
  type Instance,
  type InstanceState,
} from "@gpuc/sdk";
import type { Clock } from "../core/clock.ts";
import type { Principal } from "../core/route.ts";
import type { CredentialsService } from "../credentials/credentials.service.ts";
import { CREDENTIAL_STATES, toInstance } from "./instance-views.ts";
import type { InstancesRepository } from "./instances.repository.ts";
import type { InstanceTransitions } from "./transitions.ts";

const ENDED: readonly InstanceState[] = ENDED_STATES;

export interface InstancesDeps {
  repo: InstancesRepository;
  transitions: InstanceTransitions;
  credentials: CredentialsService;
  clock: Clock;
}

/** A consumer's rentals: reading them, stopping one, and the credential that reaches its executor. */
export class InstancesService {
  constructor(private readonly d: InstancesDeps) {}

  async get(principal: Principal, id: string): Promise<Instance> {
    return toInstance(await this.d.transitions.visible(principal, id));
  }

  async list(principal: Principal, query: { state?: InstanceState; page: number; limit: number }) {
    const { rows, total } = await this.d.repo.listByConsumer(
      principal.address,
      query.state,
      query.page,
      query.limit,
    );
    return { items: rows.map(toInstance), page: query.page, limit: query.limit, total };
  }

  /**
   * The consumer stops the rental: the executor winds it down and settles (cooperative close). Stopping one that is
   * already stopping (e.g. its prepaid hours just ran out) changes nothing and succeeds: a retried stop is safe.
   */
  async stop(principal: Principal, id: string): Promise<Instance> {
    const row = await this.d.transitions.consumerOwned(principal, id);
    assert(
      !ENDED.includes(row.state),
      409,
      `Instance ${id} has already ended (${row.state}); nothing to stop`,
    );
    await this.d.transitions.move(
      id,
      (current) => (current.state === "Created" ? "Failed" : "Stopping"),
      { reason: "user_stopped" },
      { sameStateIsNoop: true },
    );
    return this.get(principal, id);
  }

  /** A credential for the executor, scoped to this instance and expiring when its prepaid hours end. */
  async credential(principal: Principal, id: string, scope: readonly CredentialScope[]): Promise<Credential> {
    const row = await this.d.transitions.consumerOwned(principal, id);
    assert(
      CREDENTIAL_STATES.includes(row.state),
      409,
      `Instance ${id} is ${row.state}; credentials exist only once it is funded and live`,
    );
    assert(
      row.expires_at && row.expires_at > this.d.clock.now(),
      410,
      `The prepaid time of instance ${id} is over; top up the escrow`,
    );
    return this.d.credentials.issue({
      instanceId: row.id,
      providerId: row.provider_id,
      consumerAddress: row.consumer_address,
      scope,
      expiresAt: row.expires_at,
    });
  }
}
