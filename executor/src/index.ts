// The public surface of @gpuc/executor: start an executor, and the interfaces other parts implement or call. Its
// wire types (rentals, heartbeats, events, credential scopes) are @gpuc/sdk's.
export { Agent, type AgentDeps, type AgentOptions, type GpuPins, type StopResult } from "./agent/agent.ts";
export { type ClaimPolicy, claimDue, DEFAULT_CLAIM_POLICY, EVERY_PERIOD } from "./billing/claim-policy.ts";
export {
  type ExecutorConfig,
  executorEnvSchema,
  loadExecutorConfig,
  type SettlementChoice,
} from "./config.ts";
export { type ExecutorOverrides, type RunningExecutor, startExecutor } from "./executor.ts";
export type { GpuProbe, GpuStatus } from "./gpu/gpu-probe.ts";
export { NoGpuProbe } from "./gpu/no-gpu.ts";
export { NvidiaSmiProbe, parseNvidiaSmi, RecordedGpuProbe } from "./gpu/nvidia-smi.ts";
export { verifyProviderSignature } from "./keys/provider-signer.ts";
export {
  HttpMarketplaceClient,
  type HttpMarketplaceClientOptions,
  MarketplaceCredentialsError,
} from "./marketplace/http-marketplace-client.ts";
export type { AgentMarketplace } from "./marketplace/marketplace-client.ts";
export {
  ChainSettlement,
  type ChainSettlementOptions,
  type Deployment,
} from "./settlement/chain-settlement.ts";
export { RecordingSettlement } from "./settlement/recording-settlement.ts";
export type {
  ClaimItem,
  CloseRequest,
  EscrowRef,
  EscrowState,
  Settlement,
  SubmittedTx,
} from "./settlement/settlement.ts";
