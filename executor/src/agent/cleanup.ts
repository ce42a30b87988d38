import type { AgentDeps } from "./deps.ts";

/** Removes the containers of rentals that ended more than `retainEndedSeconds` ago (kept until then for logs). */
export async function removeEnded({
  ledger,
  runtime,
  log,
  options,
}: Pick<AgentDeps, "ledger" | "runtime" | "log" | "options">): Promise<void> {
  const cutoff = new Date(Date.now() - options.retainEndedSeconds * 1000);
  for (const rental of await ledger.endedWithContainer(cutoff)) {
    if (rental.containerId) await runtime.remove(rental.containerId);
    await ledger.forgetContainer(rental.instanceId);
    log.info("CONTAINER_REMOVED", { instanceId: rental.instanceId });
  }
}
