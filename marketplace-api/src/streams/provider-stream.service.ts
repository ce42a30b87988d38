import { assert } from "@gpuc/platform/http";
import type { ProviderRentalEvent } from "@gpuc/sdk";
import type { Principal } from "../core/route.ts";
import type { ProvidersRepository } from "../providers/providers.repository.ts";
import type { InstanceNotifications } from "./instance-notifications.ts";

export interface ProviderStreamDeps {
  providers: Pick<ProvidersRepository, "find">;
  notifications: InstanceNotifications;
}

/** Receives each event a provider's stream sends, with its id (the change's revision; "" for a sync). */
export type ProviderRentalSink = (event: ProviderRentalEvent, id: string) => void;

/**
 * A provider's executor hears at once that one of its rentals changed (funded, stopping…), instead of waiting for
 * its next poll: each committed change of an instance of that provider, from whichever process made it
 * (PostgreSQL notifications), read from the notification itself — no query per change. Nothing is replayed: a
 * stream starts with `sync` and sends another after the notifications' connection was lost, and the executor then
 * reads its assigned rentals, which are the truth.
 */
export class ProviderStreamService {
  constructor(private readonly d: ProviderStreamDeps) {}

  /** Checks the provider is the caller's (a 404 before anything is streamed); resolves to the stop function. */
  async open(
    principal: Principal,
    providerId: string,
    sink: ProviderRentalSink,
  ): Promise<() => Promise<void>> {
    const provider = await this.d.providers.find(providerId);
    assert(
      provider?.owner_address === principal.address,
      404,
      `Provider ${providerId} not found among yours`,
    );
    const stop = await this.d.notifications.listen({
      change: (change) => {
        if (change.providerId !== providerId) return;
        sink({ type: "changed", instanceId: change.id, state: change.state }, change.revision.toString());
      },
      resync: () => sink({ type: "sync" }, ""),
    });
    sink({ type: "sync" }, "");
    return stop;
  }
}
