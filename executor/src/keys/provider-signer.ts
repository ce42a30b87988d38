import { Network } from "@fleet-sdk/core";
import { ErgoHDKey, generateProof } from "@fleet-sdk/wallet";
import { InvalidSecretError, Signer } from "@gpuc/offchain";
import * as ergo from "ergo-lib-wasm-nodejs";
import type { ProviderKeySource } from "../config.ts";
import { ExecutorError } from "../errors.ts";

export type ErgoNetwork = "mainnet" | "testnet";

/** The provider wallet as the executor uses it: its address, and signatures over messages (heartbeats). */
export interface ProviderSigner {
  /** The P2PK address (base58) the provider registered with. */
  readonly address: string;
  /** A Schnorr proof of the address's key over `message` (ergo-lib `sign_message_using_p2pk`'s scheme), hex. */
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

/** The first EIP-3 address of a seed phrase: the one Nautilus and other Ergo wallets show first. */
const FIRST_ADDRESS_PATH = "m/44'/429'/0'/0/0";

/**
 * The signer of a wallet seed phrase, at the first EIP-3 address (m/44'/429'/0'/0/0) — the address Nautilus
 * and other Ergo wallets show first, so it matches the address the provider registered with.
 *
 * Pure JavaScript (Fleet's Schnorr prover over @noble/curves, the scheme of ergo-lib's `sign_message_using_p2pk`,
 * which verifies it): the executor signs a heartbeat a minute without loading ergo-lib's WebAssembly (~12 MB
 * resident), which only its first claim or close needs.
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
  const key = ErgoHDKey.fromMnemonicSync(words.join(" "), { passphrase, path: FIRST_ADDRESS_PATH });
  return signerOf(key, network);
}

/** The signer of a raw 32-byte secret key (hex). */
export function signerFromSecretKey(secretHex: string, network: ErgoNetwork): ProviderSigner {
  const hex = secretHex.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new ProviderKeyError("the secret key must be 64 hex characters");
  let key: ErgoHDKey;
  try {
    key = new ErgoHDKey({ privateKey: Uint8Array.from(Buffer.from(hex, "hex")) });
  } catch (error) {
    throw new ProviderKeyError(`not a secp256k1 secret (${error instanceof Error ? error.message : error})`);
  }
  return signerOf(key, network);
}

function signerOf(key: ErgoHDKey, network: ErgoNetwork): ProviderSigner {
  const address = key.address.encode(network === "mainnet" ? Network.Mainnet : Network.Testnet);
  return {
    address,
    sign: (message) => Buffer.from(generateProof(message, key)).toString("hex"),
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
  // ergo-lib's wallet: its WebAssembly loads here, so callers make this signer on first use (lazyTransactionSigner).
  try {
    return key.kind === "mnemonic"
      ? Signer.fromMnemonic(key.mnemonic, { passphrase: key.passphrase, network })
      : Signer.fromSecretHex(key.secretHex.trim(), network);
  } catch (error) {
    if (error instanceof InvalidSecretError) throw new ProviderKeyError(error.message);
    throw error;
  }
}

/** A transaction signer made on its first `sign` (ergo-lib loads then), named by the heartbeat signer's address. */
export function lazyTransactionSigner(
  key: ProviderKeySource,
  network: ErgoNetwork,
  address: string,
): Pick<Signer, "address" | "sign"> {
  let signer: Signer | undefined;
  return {
    address,
    sign: (tx, chain) => {
      signer ??= transactionSigner(key, network);
      return signer.sign(tx, chain);
    },
  };
}
