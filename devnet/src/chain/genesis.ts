import {
  BoxValue,
  Contract,
  ErgoBox,
  I64,
  NetworkPrefix,
  SecretKey,
  Tokens,
  TxId,
} from "ergo-lib-wasm-nodejs";
import { fromWireBox, type WireBox } from "../tx/json.ts";
import type { Box } from "../tx/types.ts";

/**
 * The devnet faucet's secret key: blake2b256("gpuc-devnet-faucet"). PUBLIC TEST MATERIAL, like a testnet faucet's
 * key — it guards coins that exist only on a devnet. Never use it (or its address) on mainnet or testnet.
 */
export const DEVNET_FAUCET_SECRET_HEX = "e35acdd372583706e1c98d819a61cb851002cf5525e904b4480475e2e4297794";

/** 10,000,000 ERG in the genesis faucet box. */
export const GENESIS_FAUCET_NANOERGS = 10_000_000n * 1_000_000_000n;

/** Genesis boxes have no creating transaction; like the node's, their transaction id is all zeros. */
export const GENESIS_TX_ID = "0".repeat(64);

export function faucetSecretKey(): SecretKey {
  return SecretKey.dlog_from_bytes(Buffer.from(DEVNET_FAUCET_SECRET_HEX, "hex"));
}

/** The faucet's testnet address (3W…); the devnet accepts any network prefix in lookups. */
export function faucetAddress(network: "testnet" | "mainnet" = "testnet"): string {
  return faucetSecretKey()
    .get_address()
    .to_base58(network === "mainnet" ? NetworkPrefix.Mainnet : NetworkPrefix.Testnet);
}

/** The faucet's public key (compressed point, hex): also the synthetic headers' miner key. */
export function faucetPublicKey(): string {
  return faucetSecretKey().get_address().to_ergo_tree().to_base16_bytes().slice(-66);
}

/** The genesis state: one box holding every devnet ERG, owned by the faucet key, created at height 0. */
export function genesisBoxes(): Box[] {
  const box = new ErgoBox(
    BoxValue.from_i64(I64.from_str(GENESIS_FAUCET_NANOERGS.toString())),
    0,
    Contract.pay_to_address(faucetSecretKey().get_address()),
    TxId.from_str(GENESIS_TX_ID),
    0,
    new Tokens(),
  );
  return [fromWireBox(box.to_js_eip12() as WireBox)];
}
