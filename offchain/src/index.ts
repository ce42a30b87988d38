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
// --- protocol: deployment and the builders of every GPUC action ---
export { GpucProtocolError } from "./protocol/errors/base.ts";
export { ConfigBoxMismatchError } from "./protocol/errors/configBoxMismatch.ts";
export { MalformedConfigBoxError } from "./protocol/errors/malformedConfigBox.ts";
export { UnsupportedPropositionError } from "./protocol/errors/unsupportedProposition.ts";
export { InvalidSecretError, SigningError } from "./signing/errors.ts";
export { type MnemonicOptions, type Network, Signer, verifyMessage } from "./signing/signer.ts";
export { nextBlockContext } from "./signing/stateContext.ts";
export { type SubmitOptions, signAndSubmit } from "./signing/submit.ts";
