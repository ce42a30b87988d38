// The public surface of @gpuc/marketplace-api. Its wire contract (schemas, states, listing hash) is @gpuc/sdk's.
export { apiRoutes, createApp } from "./app.ts";
export { ArbiterSettlement, SettlementBoxMissingError } from "./chain/arbiter-settlement.ts";
export type { OpenEscrowRequest, RentalChain, Settlement, SignedTx } from "./chain/gateway.ts";
export { type IndexedDeployment, marketplaceRules } from "./chain/index-rules.ts";
export { NodeRentalChain } from "./chain/node-rental-chain.ts";
export { type Clock, ManualClock, systemClock } from "./core/clock.ts";
export { defaultConfig, envSchema, loadConfig, type MarketplaceConfig } from "./core/config.ts";
export { migrateMarketplace } from "./core/database.ts";
export { createMarketplaceIndexer, type MarketplaceIndexerOptions } from "./indexing.ts";
export { type RunningMarketplace, type StartOptions, startMarketplace } from "./server.ts";
export { createServices, type MarketplaceDeps, type Services } from "./services.ts";
