import { InvalidSecretError, Signer } from "@gpuc/offchain";
import * as ergo from "ergo-lib-wasm-nodejs";
import type { ProviderKeySource } from "../config.ts";
import { ExecutorError } from "../errors.ts";

export type ErgoNetwork = "mainnet" | "testnet";

/** The provider wallet as the executor uses it: its address, and signatures over messages (heartbeats). */
export interface ProviderSigner {
  /** The P2PK address (base58) the provider registered with. */
  readonly address: string;
  /** `Wallet.sign_message_using_p2pk(address, message)`, hex; checked with ergo-lib `verify_signature`. */
  sign(message: Uint8Array): string;
}

/** The configured provider key could not be read. */
export class ProviderKeyError extends ExecutorError {
  constructor(reason: string) {
    super(
      `Provider key rejected: ${reason}; set GPUC_PROVIDER_MNEMONIC(_FILE) to the wallet's seed phrase or GPUC_PROVIDER_SECRET_KEY(_FILE) to a 32-byte hex secret`,
    );
  }
}

const prefix = (network: ErgoNetwork) =>
  network === "mainnet" ? ergo.NetworkPrefix.Mainnet : ergo.NetworkPrefix.Testnet;

/**
 * The signer of a wallet seed phrase, at the first EIP-3 address (m/44'/429'/0'/0/0) — the address Nautilus
 * and other Ergo wallets show first, so it matches the address the provider registered with.
 *
 * @example
 * const signer = signerFromMnemonic(config.mnemonic, "", "testnet");
 * const signature = signer.sign(new TextEncoder().encode("hello"));
 */
export function signerFromMnemonic(
  mnemonic: string,
  passphrase: string,
  network: ErgoNetwork,
): ProviderSigner {
  const words = mnemonic.trim().split(/\s+/);
  if (![12, 15, 18, 21, 24].includes(words.length)) {
    throw new ProviderKeyError(`a seed phrase has 12 to 24 words, this one has ${words.length}`);
  }
  const seed = ergo.Mnemonic.to_seed(words.join(" "), passphrase);
  const master = ergo.ExtSecretKey.derive_master(seed);
  const firstAddressKey = master.derive(ergo.DerivationPath.new(0, new Uint32Array([0])));
  return signerFromSecretBytes(firstAddressKey.secret_key_bytes(), network);
}

/** The signer of a raw 32-byte secret key (hex). */
export function signerFromSecretKey(secretHex: string, network: ErgoNetwork): ProviderSigner {
  const hex = secretHex.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new ProviderKeyError("the secret key must be 64 hex characters");
  return signerFromSecretBytes(Uint8Array.from(Buffer.from(hex, "hex")), network);
}

function signerFromSecretBytes(bytes: Uint8Array, network: ErgoNetwork): ProviderSigner {
  const secret = ergo.SecretKey.dlog_from_bytes(bytes);
  const address = secret.get_address();
  const keys = new ergo.SecretKeys();
  keys.add(secret);
  const wallet = ergo.Wallet.from_secrets(keys);
  return {
    address: address.to_base58(prefix(network)),
    sign: (message) => Buffer.from(wallet.sign_message_using_p2pk(address, message)).toString("hex"),
  };
}

/** Checks a provider signature (what the marketplace does with a heartbeat). */
export function verifyProviderSignature(address: string, message: Uint8Array, signatureHex: string): boolean {
  try {
    return ergo.verify_signature(
      ergo.Address.from_base58(address),
      message,
      Uint8Array.from(Buffer.from(signatureHex, "hex")),
    );
  } catch {
    return false;
  }
}

/**
 * The same provider key as a transaction signer (`@gpuc/offchain` `Signer`), for claims and closes. Its
 * address is the heartbeat signer's: the first EIP-3 address of a seed phrase, or the raw secret's.
 */
export function transactionSigner(key: ProviderKeySource, network: ErgoNetwork): Signer {
  try {
    return key.kind === "mnemonic"
      ? Signer.fromMnemonic(key.mnemonic, { passphrase: key.passphrase, network })
      : Signer.fromSecretHex(key.secretHex.trim(), network);
  } catch (error) {
    if (error instanceof InvalidSecretError) throw new ProviderKeyError(error.message);
    throw error;
  }
}
