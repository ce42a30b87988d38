import { BridgeError } from "./base.ts";

/**
 * A mixed-case (EIP-55 checksummed) EVM address. Rosen's watchers validate the lock box's address with the
 * address codec, which accepts lowercase EVM addresses only: a lock naming a checksummed one is never bridged.
 */
export class ChecksummedEvmAddressError extends BridgeError {
  constructor(
    readonly chain: string,
    readonly address: string,
  ) {
    super(
      `Rosen pays ${chain} addresses written in lowercase only; send ${address.toLowerCase()} (the same address) instead of ${address}`,
      { chain, address, lowercase: address.toLowerCase() },
    );
  }
}
