// The public surface of @gpuc/executor: start an executor, and the interfaces other parts implement or call.
export { Agent, type AgentDeps, type AgentOptions, type GpuPins, type StopResult } from "./agent/agent.ts";
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
export { ACTIONS, type Action, CREDENTIAL_AUDIENCE, CREDENTIAL_ISSUER } from "./http/credentials.ts";
export { verifyProviderSignature } from "./keys/provider-signer.ts";
export { canonicalJson } from "./marketplace/canonical-json.ts";
export { heartbeatMessage } from "./marketplace/heartbeat.ts";
export {
  HttpMarketplaceClient,
  type HttpMarketplaceClientOptions,
  MarketplaceHttpError,
  MarketplaceUnreachableError,
} from "./marketplace/http-marketplace-client.ts";
export type {
  Heartbeat,
  HeartbeatInstance,
  InstanceEvent,
  MarketplaceClient,
  SignedHeartbeat,
} from "./marketplace/marketplace-client.ts";
export { type Rental, rentalSchema, STOP_REASONS, type StopReason } from "./marketplace/rental.ts";
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
