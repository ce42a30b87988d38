import { ChecksummedEvmAddressError } from "../errors/checksummedEvmAddress.ts";
import { InvalidDestinationError } from "../errors/invalidDestination.ts";
import { UnknownChainError } from "../errors/unknownChain.ts";

/** Chains whose addresses are EVM hex (Rosen's address codec wants them lowercase). */
const EVM_CHAINS = new Set(["ethereum", "binance"]);

/**
 * Checks `address` as an address of `chain` the way Rosen's watchers will (`@rosen-bridge/address-codec`'s
 * `validateAddress`, which the extractor runs on every lock): a lock they would not bridge is refused here,
 * before anything is signed. `known` are the chains the token reaches, for the unknown-chain message. The codec
 * (~50 MB resident with its chains' libraries) is imported on the first withdrawal, not with the adapter.
 */
export async function checkDestination(
  chain: string,
  address: string,
  known: readonly string[],
): Promise<string> {
  if (!known.includes(chain)) throw new UnknownChainError(chain, known);
  // The codec refuses any upper-case EVM address; say why, and what to send instead.
  if (EVM_CHAINS.has(chain) && address !== address.toLowerCase() && /^0x[0-9a-fA-F]{40}$/.test(address))
    throw new ChecksummedEvmAddressError(chain, address);
  const { UnsupportedChainError, validateAddress } = await import("@rosen-bridge/address-codec");
  try {
    validateAddress(chain, address);
  } catch (error) {
    if (error instanceof UnsupportedChainError) throw new UnknownChainError(chain, known);
    throw new InvalidDestinationError(chain, address, error instanceof Error ? error.message : String(error));
  }
  return address;
}
