// The public surface of @gpuc/cli: the CLI runner, the actions it is made of (used by the demo and the e2e test),
// and the whole-system assembly behind `npm start`.
export type { Gpuc } from "./actions/context.ts";
export { type CreditResult, drawCredit, openCredit, repayCredit } from "./actions/credit.ts";
export { listProvider, stakeProvider, unbondProvider, withdrawProvider } from "./actions/provider.ts";
export {
  instanceLogs,
  NoExecutorEndpointError,
  openLogs,
  type RentRequest,
  rentGpu,
  stopInstance,
  waitForInstance,
} from "./actions/rentals.ts";
export { type WalletBalance, walletBalance } from "./actions/wallet.ts";
export { helpText, type RunOptions, runCli } from "./cli.ts";
export { type Balance, ChainContext, gpucIn } from "./core/chain.ts";
export { type CliConfig, cliEnvSchema, loadCliConfig } from "./core/config.ts";
export {
  CliError,
  DeploymentMissingError,
  NotFoundOnChainError,
  UnreachableError,
  UsageError,
  WaitTimeoutError,
  WalletExistsError,
  WalletMissingError,
  WalletUnreadableError,
} from "./core/errors.ts";
export { challengeSigner, marketplaceFor } from "./core/market.ts";
export { createOutput, type Output, toJson } from "./core/output.ts";
export { ApiError, checkRequest, fromSdkError, humanAmounts, type MarketRequest } from "./core/problems.ts";
export { waitUntil } from "./core/wait.ts";
export { createWalletFile, ensureWalletFile, readWalletFile, type Wallet } from "./core/wallet-file.ts";
export {
  DEMO_LISTING,
  NoExecutorError,
  runReferenceWorkflow,
  WorkflowCheckError,
  type WorkflowOptions,
  type WorkflowResult,
} from "./demo/workflow.ts";
export { loadSystemConfig, type SystemConfig, systemEnvSchema } from "./system/config.ts";
export { DeploymentRequiredError, StaleDeploymentError } from "./system/deployment.ts";
export { ExecutorLauncher } from "./system/executor-launcher.ts";
export type { SystemKeys } from "./system/keys.ts";
export { type RunningSystem, startSystem } from "./system/start-system.ts";
