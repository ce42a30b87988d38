// The public surface of @gpuc/marketplace-api.
export { apiRoutes, createApp } from "./app.ts";
export { ArbiterSettlement, SettlementBoxMissingError } from "./chain/arbiter-settlement.ts";
export type { OpenEscrowRequest, RentalChain, Settlement, SignedTx } from "./chain/gateway.ts";
export { NodeRentalChain } from "./chain/node-rental-chain.ts";
export { type Clock, ManualClock, systemClock } from "./core/clock.ts";
export { defaultConfig, envSchema, loadConfig, type MarketplaceConfig } from "./core/config.ts";
export { migrateMarketplace } from "./core/database.ts";
export { CREDENTIAL_AUDIENCE, CREDENTIAL_ISSUER } from "./credentials/credentials.service.ts";
export { type Listing, listingHash, listingSchema } from "./gpus/listing.ts";
export { BoxClassifier, type IndexedDeployment } from "./indexer/classify.ts";
export { ChainIndexer, type ChainSource } from "./indexer/indexer.ts";
export {
  CLOSE_REASONS,
  type CloseReason,
  INSTANCE_STATES,
  type InstanceState,
} from "./instances/state-machine.ts";
export { type RunningMarketplace, type StartOptions, startMarketplace } from "./server.ts";
export { createServices, type MarketplaceDeps, type Services } from "./services.ts";
