export {
  DuplicateRuleError,
  DuplicateSubscriberError,
  IndexerError,
  SubscriberFailedError,
} from "./errors.ts";
export {
  type BlockChanges,
  ChainIndexer,
  type ChainIndexerOptions,
  type ChainSource,
  type IndexSubscriber,
} from "./indexer.ts";
export { migrateIndex } from "./migrate.ts";
export { type BoxRule, byErgoTree, holdingToken, type OutputLike } from "./rules.ts";
export { type IndexedBlock, type IndexedBox, IndexStore } from "./store.ts";
