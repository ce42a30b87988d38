import type { IndexSubscriber } from "@gpuc/indexer";
import type { ProvidersService } from "./providers.service.ts";

const STAKE_KINDS: ReadonlySet<string> = new Set(["stake", "config"]);

/**
 * Providers are listed while their stake covers their GPUs: a block that creates or spends a stake or config box
 * (the minimum stake lives in the config), or a rollback, re-reads every provider's stake.
 */
export function stakesSubscriber(providers: ProvidersService): IndexSubscriber {
  return {
    name: "stakes",
    onBlock: async (_block, { created, spent }) => {
      if ([...created, ...spent].some((box) => STAKE_KINDS.has(box.kind))) await providers.syncStakes();
    },
    onRollback: () => providers.syncStakes(),
  };
}
