import { ErgoAddress, Network } from "@fleet-sdk/core";
import { DevnetBadRequestError } from "../errors/index.ts";

export type NetworkName = "testnet" | "mainnet";

/** The ErgoTree (hex) an address stands for; any network prefix is accepted, as a node's lookups do. */
export function ergoTreeOfAddress(address: string): string {
  try {
    return ErgoAddress.fromBase58(address.trim()).ergoTree;
  } catch {
    throw new DevnetBadRequestError(
      `"${address.slice(0, 120)}" is not a valid Ergo address; send a base58 address such as the faucet's`,
    );
  }
}

/** The address of an ErgoTree in the devnet's network encoding. */
export function addressOfErgoTree(ergoTree: string, network: NetworkName): string {
  return ErgoAddress.fromErgoTree(
    ergoTree,
    network === "mainnet" ? Network.Mainnet : Network.Testnet,
  ).encode();
}
