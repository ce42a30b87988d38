// The public surface of @gpuc/rosen-adapter: Rosen Bridge deposits in, swaps to GPUC, withdrawals out by lock box.

export { type BridgePrincipal, bridgeRoutes, DEPOSIT_EVENT } from "./bridge.router.ts";
export { BridgeService } from "./bridge.service.ts";
export { type Bridge, type BridgeDeps, createBridge, migrateRosen } from "./bridge.ts";
export { loadRosenConfig, type RosenConfig, rosenEnvSchema } from "./config.ts";
export type { Deposit } from "./deposits/deposits.repository.ts";
export { bridgedBoxRule, depositsSubscriber } from "./deposits/deposits.subscriber.ts";
export {
  DEVNET_FEES,
  type DevnetFees,
  deployRosenDevnet,
  type RosenDevnetDeployment,
} from "./devnet/deploy.ts";
export { AmountBelowMinimumError } from "./errors/amountBelowMinimum.ts";
export { BridgeError } from "./errors/base.ts";
export { ChecksummedEvmAddressError } from "./errors/checksummedEvmAddress.ts";
export { FeeBelowMinimumError } from "./errors/feeBelowMinimum.ts";
export { InvalidDestinationError } from "./errors/invalidDestination.ts";
export { MinFeeUnavailableError } from "./errors/minFeeUnavailable.ts";
export { NotSwappableError } from "./errors/notSwappable.ts";
export { TokenMapInvalidError } from "./errors/tokenMapInvalid.ts";
export { UnknownChainError } from "./errors/unknownChain.ts";
export { UnknownTokenError } from "./errors/unknownToken.ts";
export { minimumFees, minimumTransfer, settleFees, type TransferFees } from "./fees/fees.ts";
export { MinFeeBoxReader, type MinFeeSource, type RouteMinFees } from "./fees/minFee.ts";
export { checkDestination } from "./lock/destination.ts";
export { readLockEvent, toRosenNodeTransaction } from "./lock/extract.ts";
export {
  type LockBoxRequest,
  type LockData,
  lockOutput,
  lockRegisterR4,
  lockToChain,
} from "./lock/lockBox.ts";
export {
  compileLockContract,
  type LockContract,
  MAINNET_GUARD_NFT,
  MAINNET_LOCK_ADDRESS,
  MAINNET_MIN_FEE_NFT,
} from "./lock/lockContract.ts";
export {
  type GpucUsdPrice,
  proposedWhitelist,
  type SwapEligibility,
  stableRate,
  swapEligibility,
} from "./swap/eligibility.ts";
export { type BridgeSwap, type BridgeSwapRequest, buildBridgeSwap } from "./swap/swapIn.ts";
export { type BridgedToken, ERG, TokenRegistry } from "./tokens/registry.ts";
export {
  DEVNET_TOKEN_MAP_TEMPLATE,
  MAINNET_TOKEN_MAP,
  parseTokenMapFile,
  readTokenMapFile,
  type TokenMapFile,
} from "./tokens/tokenMapFile.ts";
export {
  buildWithdraw,
  quoteWithdraw,
  type WithdrawContext,
  type WithdrawQuote,
  type WithdrawRequest,
} from "./withdraw/withdraw.ts";
