import { readFileSync } from "node:fs";
import { ErgoAddress } from "@fleet-sdk/core";
import { compileSource } from "@gpuc/ergoscript";

/**
 * Rosen's Ergo lock script, `Lock.es`, vendored byte for byte from rosen-bridge/contract
 * (src/main/scala/rosen/bridge/scripts/Lock.es at 3dbbdd3): a box there is spendable by the guards alone
 * (a GuardNFT box as data input 0, `atLeast(R5(0), R4 keys)` signatures).
 */
export const LOCK_SCRIPT = new URL("../../contracts/Lock.es", import.meta.url);

/** Rosen mainnet (public launch): the GuardNFT the lock script is compiled with, and the min-fee boxes' NFT. */
export const MAINNET_GUARD_NFT = "55bf993b4376ba132264d084f06fe033321ab43c68db1435a0e7e0bf77ddb735";
export const MAINNET_MIN_FEE_NFT = "e2ed4d64393222db666f20e67803e9e6fbe6d64531e14ff52ddd95615b0cbf17";
/** Rosen's mainnet lock address, as its release contracts file and its own extractor's docs give it. */
export const MAINNET_LOCK_ADDRESS =
  "nB3L2PD3J4rMmyGk7nnNdESpPXxhPRQ4t1chF8LTXtceMQjKCEgL2pFjPY6cehGjyEFZyHEomBTFXZyqfonvxDozrTtK5JzatD8SdmcPeJNWPvdRb5UxEMXE4WQtpAFzt2veT8Z6bmoWN";

export interface LockContract {
  readonly ergoTree: string;
  readonly address: string;
}

/**
 * Compiles `Lock.es` as Rosen's release step does (Contracts.scala: `GUARD_NFT` replaced by the id's base64,
 * compiled to an ErgoTree v0 with segregated constants). With the mainnet GuardNFT this gives exactly
 * `MAINNET_LOCK_ADDRESS` (the spec checks it), so the devnet's lock, compiled with its own GuardNFT, is Rosen's.
 */
export function compileLockContract(guardNftId: string, network: "mainnet" | "testnet"): LockContract {
  const source = readFileSync(LOCK_SCRIPT, "utf8").replace(
    "GUARD_NFT",
    Buffer.from(guardNftId, "hex").toString("base64"),
  );
  // Through @gpuc/ergoscript, which loads the compiler (~240 MB resident) only when something is compiled.
  return compileSource(source, { version: 0, segregateConstants: true }, network);
}

/** The ErgoTree (hex) of a lock address. */
export function lockErgoTree(address: string): string {
  return ErgoAddress.decode(address).ergoTree;
}
