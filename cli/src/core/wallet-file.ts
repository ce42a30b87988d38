import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { type Network, Signer } from "@gpuc/offchain";
import { generateMnemonic } from "@scure/bip39";
import { wordlist } from "@scure/bip39/wordlists/english";
import { z } from "zod";
import { WalletExistsError, WalletMissingError, WalletUnreadableError } from "./errors.ts";

const walletSchema = z.object({
  version: z.literal(1),
  network: z.enum(["mainnet", "testnet"]),
  mnemonic: z.string().min(1),
  address: z.string().min(1),
});

/** A wallet file: a BIP-39 mnemonic (the key at m/44'/429'/0'/0/0, as Nautilus derives it) and its address. */
export type WalletFile = z.infer<typeof walletSchema>;

/** A loaded wallet: the file's contents and a signer for its key (held in memory only). */
export interface Wallet {
  readonly path: string;
  readonly address: string;
  readonly network: Network;
  readonly signer: Signer;
}

/**
 * Creates a wallet file with a fresh 15-word mnemonic (as Nautilus does), readable by its owner only (0600).
 *
 * @example
 * const wallet = createWalletFile("/home/alice/.gpuc/wallet.json", { network: "testnet" });
 */
export function createWalletFile(
  path: string,
  options: { network?: Network; force?: boolean; mnemonic?: string } = {},
): Wallet {
  if (existsSync(path) && !options.force) throw new WalletExistsError(path);
  const network = options.network ?? "testnet";
  const mnemonic = options.mnemonic ?? generateMnemonic(wordlist, 160);
  const signer = Signer.fromMnemonic(mnemonic, { network });
  const file: WalletFile = { version: 1, network, mnemonic, address: signer.address };
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600); // an existing file keeps its old mode under writeFileSync
  return { path, address: signer.address, network, signer };
}

/** Reads a wallet file written by `createWalletFile`. */
export function readWalletFile(path: string): Wallet {
  if (!existsSync(path)) throw new WalletMissingError(path);
  let parsed: WalletFile;
  try {
    parsed = walletSchema.parse(JSON.parse(readFileSync(path, "utf8")));
  } catch (error) {
    // Never quote the file: V8's JSON errors include a snippet of the text, which would be part of the mnemonic.
    const why =
      error instanceof SyntaxError
        ? "it is not valid JSON"
        : error instanceof z.ZodError
          ? `unexpected content at ${error.issues.map((issue) => issue.path.join(".") || "(top level)").join(", ")}`
          : "it could not be read";
    throw new WalletUnreadableError(path, why);
  }
  const signer = Signer.fromMnemonic(parsed.mnemonic, { network: parsed.network });
  if (signer.address !== parsed.address) {
    throw new WalletUnreadableError(path, "its address does not belong to its mnemonic");
  }
  return { path, address: signer.address, network: parsed.network, signer };
}

/** Reads the wallet at `path`, creating it first if there is none (demo wallets of `npm start`). */
export function ensureWalletFile(path: string, network: Network = "testnet"): Wallet {
  return existsSync(path) ? readWalletFile(path) : createWalletFile(path, { network });
}
