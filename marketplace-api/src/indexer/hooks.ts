import type { Services } from "../services.ts";
import type { IndexerHooks } from "./indexer.ts";

/**
 * How indexed blocks reach the services: escrows fund or follow their rentals (and are rewound on rollback),
 * escrows no rental can take are refunded; stake changes re-list providers.
 */
export function indexerHooks(services: Services): IndexerHooks {
  return {
    async onBlock({ height, created, spent }) {
      for (const box of created) if (box.kind === "escrow") await services.instances.onEscrowBox(box);
      // Every block, so a refund that failed (or whose transaction was lost) is retried.
      await services.escrowRefunds.refundPending();
      await services.instances.refundFailedEscrows(height);
      if ([...created, ...spent].some((box) => box.kind === "stake" || box.kind === "config")) {
        await services.providers.syncStakes();
      }
    },
    async onRollback() {
      // Unwound escrows un-fund (or rewind) their rentals; unwound stakes may change which providers are covered.
      await services.instances.onRollback();
      await services.providers.syncStakes();
    },
  };
}
