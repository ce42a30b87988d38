// The public surface of @gpuc/offchain. Keep it curated: export what services use, nothing internal.

// --- chain: ChainClient (Ergo node REST API) and signing ---
export * from "./chain/index.ts";
export { sigmaPropRegister, sigmaPropTree, toErgoTree } from "./protocol/config/sigmaProp.ts";
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
export { AlreadyUnbondingError } from "./protocol/errors/alreadyUnbonding.ts";
// --- protocol: deployment and the builders of every GPUC action ---
export { GpucProtocolError } from "./protocol/errors/base.ts";
export { ClaimBeyondElapsedError } from "./protocol/errors/claimBeyondElapsed.ts";
export { ClaimBeyondPrepaidError } from "./protocol/errors/claimBeyondPrepaid.ts";
export { ConfigBoxMismatchError } from "./protocol/errors/configBoxMismatch.ts";
export { ExpiryNotReachedError } from "./protocol/errors/expiryNotReached.ts";
export { InsufficientGpucError } from "./protocol/errors/insufficientGpuc.ts";
export { InvalidRentalArgumentError } from "./protocol/errors/invalidRentalArgument.ts";
export { MalformedConfigBoxError } from "./protocol/errors/malformedConfigBox.ts";
export { NotAnEscrowError } from "./protocol/errors/notAnEscrow.ts";
export { NotAStakeError } from "./protocol/errors/notAStake.ts";
export { NotEscrowPartyError } from "./protocol/errors/notEscrowParty.ts";
export { NotStakeOwnerError } from "./protocol/errors/notStakeOwner.ts";
export { UnbondingNotFinishedError } from "./protocol/errors/unbondingNotFinished.ts";
export { UnsupportedPropositionError } from "./protocol/errors/unsupportedProposition.ts";
export { buildClaimTx, type ClaimParams, claimEscrows, type EscrowClaim } from "./protocol/escrow/claim.ts";
export {
  claimableHours,
  elapsedHours,
  expiryHeight,
  owedOnExitHours,
  splitFee,
} from "./protocol/escrow/clock.ts";
export {
  arbiterResolve,
  buildArbiterResolveTx,
  buildConsumerExitTx,
  buildCooperativeCloseTx,
  buildExpireTx,
  type CloseParams,
  consumerExit,
  cooperativeClose,
  expireEscrow,
  type SplitCloseParams,
} from "./protocol/escrow/close.ts";
export type { EscrowActionBase, TxFunding } from "./protocol/escrow/context.ts";
export { buildExtendTx, type ExtendParams, extendEscrow } from "./protocol/escrow/extend.ts";
export {
  buildOpenEscrowTx,
  escrowDeposit,
  gpucIn,
  type OpenEscrowParams,
  openEscrow,
} from "./protocol/escrow/open.ts";
export {
  type EscrowState,
  type EscrowTerms,
  escrowRegisters,
  parseEscrowBox,
} from "./protocol/escrow/registers.ts";
export { canonicalListingJson, type ListingValue, listingHash } from "./protocol/listing.ts";
export { BONDED, parseStakeBox, type StakeState, stakeRegisters } from "./protocol/stake/registers.ts";
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
export { InvalidSecretError, SigningError } from "./signing/errors.ts";
export { type MnemonicOptions, type Network, Signer, verifyMessage } from "./signing/signer.ts";
export { nextBlockContext } from "./signing/stateContext.ts";
export { type SubmitOptions, signAndSubmit } from "./signing/submit.ts";
