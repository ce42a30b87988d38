import { ChainIndexer, type ChainSource } from "@gpuc/indexer";
import type { Logger } from "@gpuc/platform";
import { type IndexedDeployment, marketplaceRules } from "./chain/index-rules.ts";
import { rentalsSubscriber } from "./instances/rentals.subscriber.ts";
import { stakesSubscriber } from "./providers/stakes.subscriber.ts";
import type { Services } from "./services.ts";

export interface MarketplaceIndexerOptions {
  deployment: IndexedDeployment;
  startHeight: number;
  pollMs: number;
  log: Logger;
}

/** The chain indexer as the marketplace runs it: its rules, and the rentals and stakes subscribed to it. */
export function createMarketplaceIndexer(
  services: Services,
  source: ChainSource,
  options: MarketplaceIndexerOptions,
): ChainIndexer {
  const indexer = new ChainIndexer({
    source,
    db: services.db,
    store: services.index,
    log: options.log,
    startHeight: options.startHeight,
    pollMs: options.pollMs,
    gpucTokenId: options.deployment.gpucTokenId,
  });
  for (const rule of marketplaceRules(options.deployment)) indexer.addRule(rule);
  indexer
    .subscribe(rentalsSubscriber(services.escrowFollower, services.arbiter))
    .subscribe(stakesSubscriber(services.providers));
  if (services.onramp) indexer.subscribe(services.onramp.subscriber);
  if (services.bridge) indexer.addRule(services.bridge.rule).subscribe(services.bridge.subscriber);
  return indexer;
}
