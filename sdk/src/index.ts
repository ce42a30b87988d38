// The public surface of @gpuc/sdk: the GPUC wire contract and its clients. Browser-safe: nothing here may import a
// Node built-in (sdk/src/browser.spec.ts bundles this file for the browser and fails on one).

export { canonicalJson, canonicalJsonBytes, type Json, MAX_DEPTH } from "./canonical-json.ts";
export { CanonicalJsonError, InvalidAmountError, SdkError } from "./errors.ts";
export * from "./executor/api.ts";
export { ExecutorClient, type ExecutorClientOptions, LogStream } from "./executor/client.ts";
export {
  type CallOptions,
  HttpClient,
  type HttpClientOptions,
  type HttpMethod,
  type QueryValue,
  type RequestSpec,
  type RetryEvent,
  type TokenSource,
} from "./http/client.ts";
export {
  NetworkError,
  type Problem,
  ProblemError,
  type RequestInfo,
  ResponseSchemaError,
  TimeoutError,
} from "./http/errors.ts";
export { DEFAULT_RETRY, isIdempotent, type RetryPolicy, retryAfterMs } from "./http/retry.ts";
export { readServerSentEvents, type ServerSentEvent, type SubscribeOptions, subscribe } from "./http/sse.ts";
export { chunks, decode, readLines } from "./http/streams.ts";
export * from "./marketplace/auth.ts";
export * from "./marketplace/bridge.ts";
export * from "./marketplace/challenges.ts";
export {
  type AssignedRentals,
  type ChallengeSigner,
  type InstanceListFilter,
  MarketplaceClient,
  type MarketplaceClientOptions,
} from "./marketplace/client.ts";
export { type Page, pageOf } from "./marketplace/common.ts";
export * from "./marketplace/credentials.ts";
export * from "./marketplace/exit.ts";
export * from "./marketplace/gpus.ts";
export * from "./marketplace/heartbeats.ts";
export * from "./marketplace/instances.ts";
export * from "./marketplace/listing.ts";
export * from "./marketplace/onramp.ts";
export * from "./marketplace/protocol-totals.ts";
export * from "./marketplace/providers.ts";
export * from "./marketplace/reconciliation.ts";
export * from "./marketplace/reputation.ts";
export * from "./marketplace/stakes.ts";
export * from "./marketplace/states.ts";
export * from "./marketplace/status.ts";
export * from "./marketplace/streams.ts";
export * from "./marketplace/transactions.ts";
export * from "./marketplace/wallet.ts";
export * from "./receipts/merkle.ts";
export * from "./receipts/receipts.ts";
export * from "./units.ts";
