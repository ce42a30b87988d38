import type { AgentDeps } from "./deps.ts";
import { permanentRefusal } from "./event-refusal.ts";

/** Delivers the ledger's queued rental events to the marketplace, oldest first. */
export async function flushEvents({
  ledger,
  marketplace,
  log,
}: Pick<AgentDeps, "ledger" | "marketplace" | "log">): Promise<void> {
  for (const event of await ledger.unsentEvents()) {
    // In order: a transient failure stops the flush, the next tick retries from the same event. A permanent
    // refusal counts as delivered, or that one event would hold back every later one (a Completed) for good.
    try {
      await marketplace.reportEvent(event.instanceId, event.body);
    } catch (error) {
      const refusal = permanentRefusal(error);
      if (!refusal) throw error;
      log.warn("EVENT_REJECTED", {
        instanceId: event.instanceId,
        state: event.body.state,
        status: refusal.status,
        detail: refusal.detail,
      });
    }
    await ledger.markEventSent(event.id);
  }
}
