import { Address, verify_signature } from "ergo-lib-wasm-nodejs";

/**
 * Checks a wallet signature over `message` for a P2PK address, as produced by ergo-lib's
 * `Wallet.sign_message_using_p2pk` (what Nautilus uses for EIP-12 `auth` and `sign_data`). Malformed input
 * is a failed check, never an exception.
 */
export function verifyWalletSignature(address: string, message: Uint8Array, signature: Uint8Array): boolean {
  let parsed: Address | undefined;
  try {
    parsed = Address.from_base58(address);
    return verify_signature(parsed, message, signature);
  } catch {
    return false;
  } finally {
    parsed?.free();
  }
}

/** Signatures arrive as hex (Nautilus) or base64 (EIP-28 mobile wallets). */
export function decodeSignature(encoded: string): Uint8Array {
  if (/^([0-9a-fA-F]{2})+$/.test(encoded)) return Buffer.from(encoded, "hex");
  return Buffer.from(encoded, encoded.includes("-") || encoded.includes("_") ? "base64url" : "base64");
}
