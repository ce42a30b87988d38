export type { NetworkName } from "./chain/address.ts";
export {
  BOOTSTRAP_BLOCKS,
  type MinedBlock,
  type ReorgResult,
  type RollbackOptions,
  type RollbackResult,
} from "./chain/chain.ts";
export {
  DEVNET_FAUCET_SECRET_HEX,
  faucetAddress,
  GENESIS_FAUCET_NANOERGS,
} from "./chain/genesis.ts";
export { type BlockHeader, stateContext } from "./chain/headers.ts";
export { Devnet, type DevnetOptions, type SignedTransactionInput } from "./devnet.ts";
export {
  DevnetBadRequestError,
  DevnetError,
  DevnetNotFoundError,
  DevnetRejectedError,
  DevnetRollbackError,
  DevnetStoppedError,
} from "./errors/index.ts";
export type { FaucetRequest, FaucetResult, FaucetToken } from "./faucet.ts";
export type { Asset, Box, Transaction } from "./tx/types.ts";
