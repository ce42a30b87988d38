// The public surface of @gpuc/offchain. Keep it curated: export what services use, nothing internal.

// --- chain: ChainClient (Ergo node REST API) and signing ---

// The contracts' spend paths and context-variable ids, by name: nothing outside offchain writes their numbers.
export { EscrowAction, EscrowVar, StakeAction, StakeVar } from "@gpuc/ergoscript";
export * from "./chain/index.ts";
export { type BankState, bankSuccessor, parseBankBox } from "./protocol/bank/bank.ts";
export { tokenAmount } from "./protocol/bank/tokens.ts";
export { sigmaPropRegister, sigmaPropTree, toErgoTree } from "./protocol/config/sigmaProp.ts";
export { buildConfigUpdate, type ConfigUpdateOptions, updateConfig } from "./protocol/config/update.ts";
export {
  CONFIG_PARAM,
  type ConfigSettings,
  encodeConfigRegisters,
  type ProtocolConfig,
  type ProtocolParams,
  parseConfigBox,
  type StableToken,
  stableToken,
} from "./protocol/config.ts";
export { type CreditAccount, creditAccountOutput, parseCreditAccount } from "./protocol/credit/account.ts";
export {
  type AccountAction,
  addCollateral,
  buildAddCollateral,
  buildDraw,
  buildRepay,
  buildWithdrawCollateral,
  draw,
  repay,
  withdrawCollateral,
} from "./protocol/credit/actions.ts";
export { type AdjustOptions, adjustCreditAccount } from "./protocol/credit/adjust.ts";
export {
  buildCloseCreditAccount,
  type CloseAccountOptions,
  closeCreditAccount,
} from "./protocol/credit/close.ts";
export {
  covers,
  isLiquidatable,
  liquidationPenalty,
  maxDebt,
  requiredCollateral,
} from "./protocol/credit/health.ts";
export { type LetsBoxes, letsConfig } from "./protocol/credit/lets.ts";
export { buildLiquidation, type LiquidateOptions, liquidate } from "./protocol/credit/liquidate.ts";
export {
  buildOpenCreditAccount,
  type OpenAccountOptions,
  openCreditAccount,
} from "./protocol/credit/open.ts";
export { buildWithWallet, type WalletContext } from "./protocol/credit/wallet.ts";
export { buildMintTx, type MintRequest } from "./protocol/deploy/mint.ts";
export { buildProtocolBoxesTx, type ProtocolBoxesRequest } from "./protocol/deploy/protocolBoxes.ts";
export {
  DEFAULT_PARAMS,
  type DeployOptions,
  deployProtocol,
  GPUC_DECIMALS,
  GPUC_SUPPLY,
  readDeployment,
  writeDeployment,
} from "./protocol/deploy.ts";
export { AccountHasDebtError } from "./protocol/errors/accountHasDebt.ts";
export { AlreadyUnbondingError } from "./protocol/errors/alreadyUnbonding.ts";
export { ArbiterPriceOnlyError } from "./protocol/errors/arbiterPriceOnly.ts";
export { BankBoxMismatchError } from "./protocol/errors/bankBoxMismatch.ts";
// --- protocol: deployment and the builders of every GPUC action ---
export { GpucProtocolError } from "./protocol/errors/base.ts";
export { ClaimBeyondElapsedError } from "./protocol/errors/claimBeyondElapsed.ts";
export { ClaimBeyondPrepaidError } from "./protocol/errors/claimBeyondPrepaid.ts";
export { ConfigBoxMismatchError } from "./protocol/errors/configBoxMismatch.ts";
export { ExpiryNotReachedError } from "./protocol/errors/expiryNotReached.ts";
export { InsufficientFundsError } from "./protocol/errors/insufficientFunds.ts";
export { InsufficientGpucError } from "./protocol/errors/insufficientGpuc.ts";
export { InsufficientReserveError } from "./protocol/errors/insufficientReserve.ts";
export { InvalidAmountError } from "./protocol/errors/invalidAmount.ts";
export { InvalidRentalArgumentError } from "./protocol/errors/invalidRentalArgument.ts";
export { LineageTooLongError } from "./protocol/errors/lineageTooLong.ts";
export { LineageUnresolvedError } from "./protocol/errors/lineageUnresolved.ts";
export { MalformedConfigBoxError } from "./protocol/errors/malformedConfigBox.ts";
export { MalformedOraclePoolBoxError } from "./protocol/errors/malformedOraclePoolBox.ts";
export { NotACreditAccountError } from "./protocol/errors/notACreditAccount.ts";
export { NotAnEscrowError } from "./protocol/errors/notAnEscrow.ts";
export { NotAStakeError } from "./protocol/errors/notAStake.ts";
export { NotEscrowPartyError } from "./protocol/errors/notEscrowParty.ts";
export { NotLiquidatableError } from "./protocol/errors/notLiquidatable.ts";
export { NotStakeOwnerError } from "./protocol/errors/notStakeOwner.ts";
export { OraclePoolNotFoundError } from "./protocol/errors/oraclePoolNotFound.ts";
export { OraclePriceStaleError } from "./protocol/errors/oraclePriceStale.ts";
export { RepayExceedsDebtError } from "./protocol/errors/repayExceedsDebt.ts";
export { SwapTooSmallError } from "./protocol/errors/swapTooSmall.ts";
export { TokenNotWhitelistedError } from "./protocol/errors/tokenNotWhitelisted.ts";
export { UnbondingNotFinishedError } from "./protocol/errors/unbondingNotFinished.ts";
export { UndercollateralizedError } from "./protocol/errors/undercollateralized.ts";
export { UnsupportedPropositionError } from "./protocol/errors/unsupportedProposition.ts";
export { buildClaimTx, type ClaimParams, claimEscrows, type EscrowClaim } from "./protocol/escrow/claim.ts";
export {
  claimableHours,
  elapsedHours,
  expiryHeight,
  owedOnExitHours,
  providerCloseCap,
  splitFee,
} from "./protocol/escrow/clock.ts";
export {
  arbiterResolve,
  buildArbiterResolveTx,
  buildConsumerExitTx,
  buildCooperativeCloseTx,
  buildExpireTx,
  buildProviderCloseTx,
  type CloseParams,
  consumerExit,
  cooperativeClose,
  expireEscrow,
  type ProviderCloseParams,
  providerClose,
  type SplitCloseParams,
} from "./protocol/escrow/close.ts";
export type { EscrowActionBase, TxFunding } from "./protocol/escrow/context.ts";
export { EscrowStartOutsideWindowError } from "./protocol/escrow/errors/escrowStartOutsideWindow.ts";
export { type EscrowTerm, EscrowTermsMismatchError } from "./protocol/escrow/errors/escrowTermsMismatch.ts";
export { EscrowUnconfirmedError } from "./protocol/escrow/errors/escrowUnconfirmed.ts";
export { EscrowUnderfundedError } from "./protocol/escrow/errors/escrowUnderfunded.ts";
export { NotASuccessorError } from "./protocol/escrow/errors/notASuccessor.ts";
export { ProviderCloseBeyondElapsedError } from "./protocol/escrow/errors/providerCloseBeyondElapsed.ts";
export { UntrustedEscrowError } from "./protocol/escrow/errors/untrustedEscrow.ts";
export { WrongRentalError } from "./protocol/escrow/errors/wrongRental.ts";
export { buildExtendTx, type ExtendParams, extendEscrow } from "./protocol/escrow/extend.ts";
export {
  checkSuccessor,
  type EscrowFollow,
  type EscrowLineageOptions,
  type EscrowOrigin,
  type EscrowStep,
  escrowOrigin,
  escrowSuccessor,
  followEscrow,
  readLineageEscrow,
  verifySuccessor,
} from "./protocol/escrow/lineage.ts";
export {
  buildOpenEscrowTx,
  escrowDeposit,
  gpucIn,
  type OpenEscrowParams,
  openEscrow,
} from "./protocol/escrow/open.ts";
export {
  checkFunded,
  checkOpening,
  DEFAULT_ESCROW_START_SLACK_BLOCKS,
  type OpeningTerms,
} from "./protocol/escrow/opening.ts";
export {
  type EscrowDeployment,
  type EscrowState,
  type EscrowTerms,
  escrowRegisters,
  parseEscrowBox,
  payoutEscrowId,
  payoutReceiptsRoot,
} from "./protocol/escrow/registers.ts";
export { type EscrowSpendVars, readEscrowSpend } from "./protocol/escrow/spend.ts";
export {
  type LineageNode,
  nodeEscrowView,
  nodeLineageView,
  nodeStakeView,
} from "./protocol/lineage/nodeView.ts";
export {
  type KnownBox,
  type LineageView,
  type Spender,
  spenderOf,
  type TransactionLike,
  type Whereabouts,
} from "./protocol/lineage/view.ts";
// --- oracle pool (ERG/USD): the EIP-23 pool box reader, and the devnet's own stand-in pool (errors above) ---
export {
  buildOraclePoolMintTx,
  buildOraclePoolUpdateTx,
  type OraclePoolMintOptions,
  type OraclePoolUpdateOptions,
} from "./protocol/oracle/devnetPool.ts";
export {
  MAINNET_ERG_USD_POOL_NFT,
  type OraclePoolReading,
  type OraclePoolState,
  parseOraclePoolBox,
  type ReadOraclePoolOptions,
  readOraclePool,
} from "./protocol/oracle/pool.ts";
export {
  followStake,
  readStakeSpend,
  type StakeFollow,
  type StakeLineageOptions,
  type StakeSpendVars,
  type StakeStep,
  stakeSuccessor,
} from "./protocol/stake/lineage.ts";
export {
  BONDED,
  parseStakeBox,
  type StakeDeployment,
  type StakeState,
  stakeRegisters,
} from "./protocol/stake/registers.ts";
export {
  buildCreateStakeTx,
  buildSlashStakeTx,
  buildUpdateStakeTx,
  buildWithdrawStakeTx,
  type CreateStakeParams,
  createStake,
  type SlashStakeParams,
  type StakeUpdateParams,
  slashStake,
  startUnbonding,
  topUpStake,
  updateListing,
  updateStake,
  type WithdrawStakeParams,
  withdrawStake,
} from "./protocol/stake/stake.ts";
export {
  buildSwapIn,
  buildSwapOut,
  type SwapOptions,
  swapIn,
  swapInQuote,
  swapOut,
  swapOutQuote,
} from "./protocol/swap/swap.ts";
export {
  buildGpucTransfer,
  type GpucPayment,
  type GpucTransferOptions,
  gpucTransfer,
} from "./protocol/transfer/transfer.ts";
// --- usage receipts: one receipt checked against its settlement's payout box (CLI --verify, marketplace) ---
export {
  type PayoutBox,
  type ReceiptEvidence,
  type ReceiptVerdict,
  receiptSignedBy,
  type SettlementTx,
  verifyReceipt,
} from "./receipts/verify.ts";
export { InvalidSecretError, SigningError } from "./signing/errors.ts";
export { type MnemonicOptions, type Network, Signer, verifyMessage } from "./signing/signer.ts";
export { nextBlockContext } from "./signing/stateContext.ts";
export { type SubmitOptions, signAndSubmit } from "./signing/submit.ts";
