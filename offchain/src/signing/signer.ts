import type { UnsignedTransaction } from "@nautilus-js/eip12-types";
import {
  Address,
  DerivationPath,
  ErgoBoxes,
  ExtSecretKey,
  Mnemonic,
  NetworkPrefix,
  SecretKey,
  SecretKeys,
  verify_signature,
  Wallet,
  UnsignedTransaction as WasmUnsignedTransaction,
} from "ergo-lib-wasm-nodejs";
import type { ChainClient } from "../chain/chainClient.ts";
import { parseNodeJson } from "../chain/json.ts";
import type { BlockHeader, SignedTransaction } from "../chain/types.ts";
import { InvalidSecretError, SigningError } from "./errors.ts";
import { nextBlockContext } from "./stateContext.ts";

export type Network = "mainnet" | "testnet";

export interface MnemonicOptions {
  passphrase?: string;
  /** EIP-3 address index: the key at m/44'/429'/0'/0/index, as Nautilus derives it (default 0). */
  index?: number;
  network?: Network;
}

/**
 * Server-side signing with ergo-lib: holds P2PK secrets in memory only (never logs or serialises them) and signs
 * EIP-12 unsigned transactions with full proving against the chain's current headers.
 *
 * @example
 * const signer = Signer.fromMnemonic(process.env.PROVIDER_MNEMONIC!, { network: "testnet" });
 * const signed = await signer.sign(unsignedTx, chain);
 */
export class Signer {
  readonly #wallet: Wallet;
  readonly #address: Address;
  readonly #network: Network;

  private constructor(secrets: SecretKey[], network: Network) {
    const keys = new SecretKeys();
    for (const secret of secrets) keys.add(secret);
    this.#wallet = Wallet.from_secrets(keys);
    this.#address = secrets[0]!.get_address();
    this.#network = network;
  }

  static fromMnemonic(mnemonic: string, options: MnemonicOptions = {}): Signer {
    const phrase = mnemonic.trim().split(/\s+/).join(" ");
    if (![12, 15, 18, 21, 24].includes(phrase.split(" ").length))
      throw new InvalidSecretError("The mnemonic");
    const seed = Mnemonic.to_seed(phrase, options.passphrase ?? "");
    const key = ExtSecretKey.derive_master(seed).derive(
      DerivationPath.new(0, new Uint32Array([options.index ?? 0])),
    );
    return new Signer([SecretKey.dlog_from_bytes(key.secret_key_bytes())], options.network ?? "testnet");
  }

  /** From 32-byte secret scalars in hex. */
  static fromSecretHex(secrets: string | readonly string[], network: Network = "testnet"): Signer {
    const list = typeof secrets === "string" ? [secrets] : [...secrets];
    if (list.length === 0 || list.some((hex) => !/^[0-9a-fA-F]{64}$/.test(hex))) {
      throw new InvalidSecretError("The secret key (64 hex characters expected)");
    }
    return new Signer(
      list.map((hex) => SecretKey.dlog_from_bytes(Buffer.from(hex, "hex"))),
      network,
    );
  }

  /** A fresh random key, for tests and demo wallets. */
  static random(network: Network = "testnet"): Signer {
    return new Signer([SecretKey.random_dlog()], network);
  }

  get address(): string {
    return this.#address.to_base58(
      this.#network === "mainnet" ? NetworkPrefix.Mainnet : NetworkPrefix.Testnet,
    );
  }

  get network(): Network {
    return this.#network;
  }

  /** Signs against the chain's current tip: fetches the last ten headers first. */
  async sign(tx: UnsignedTransaction, chain: Pick<ChainClient, "lastHeaders">): Promise<SignedTransaction> {
    return this.signWithHeaders(tx, await chain.lastHeaders(10));
  }

  signWithHeaders(tx: UnsignedTransaction, headers: readonly BlockHeader[]): SignedTransaction {
    try {
      const unsigned = WasmUnsignedTransaction.from_json(JSON.stringify(tx));
      const inputs = ErgoBoxes.from_boxes_json(tx.inputs.map(withoutExtension));
      const dataInputs = ErgoBoxes.from_boxes_json(tx.dataInputs.map(withoutExtension));
      const signed = this.#wallet.sign_transaction(nextBlockContext(headers), unsigned, inputs, dataInputs);
      return parseNodeJson<SignedTransaction>(signed.to_json());
    } catch (error) {
      throw new SigningError(
        `Could not sign the transaction: ${errorText(error)}. Check that this key owns the inputs it must sign`,
        { cause: error },
      );
    }
  }

  /** Signs bytes with the key of this signer's address (EIP-12 `auth`/`sign_data`, heartbeats). */
  signMessage(message: Uint8Array): Uint8Array {
    return this.#wallet.sign_message_using_p2pk(this.#address, message);
  }
}

/** Checks a P2PK signature made by `Signer.signMessage` or a wallet's `sign_data`. */
export function verifyMessage(address: string, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify_signature(Address.from_base58(address), message, signature);
  } catch {
    return false;
  }
}

/** A box as ergo-lib reads it: EIP-12 inputs carry their context extension, which is not part of the box. */
export function withoutExtension<T extends object>(box: T): Omit<T, "extension"> {
  const { extension: _extension, ...rest } = box as T & { extension?: unknown };
  return rest;
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
