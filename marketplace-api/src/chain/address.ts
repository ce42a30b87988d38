import { AddressType, ErgoAddress, Network } from "@fleet-sdk/core";
import { HttpError } from "@gpuc/platform/http";

export type NetworkName = "mainnet" | "testnet";

/**
 * Checks that `address` is a P2PK address of `network` and returns its ergoTree; wallets sign in and hold
 * funds only with P2PK addresses. Throws a 400 `HttpError` otherwise.
 */
export function p2pkTree(address: string, network: NetworkName): string {
  let parsed: ErgoAddress;
  try {
    parsed = ErgoAddress.fromBase58(address);
  } catch {
    throw new HttpError(
      400,
      `'${address.slice(0, 80)}' is not a valid Ergo address; pass a base58 P2PK address`,
    );
  }
  const expected = network === "mainnet" ? Network.Mainnet : Network.Testnet;
  if (parsed.network !== expected) throw new HttpError(400, `Address ${address} is not a ${network} address`);
  if (parsed.type !== AddressType.P2PK) {
    throw new HttpError(
      400,
      `Address ${address} is not a P2PK (wallet) address; sign in with a wallet address`,
    );
  }
  return parsed.ergoTree;
}
