import { generateKeyPairSync, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Signer } from "@gpuc/offchain";
import { ensureWalletFile, type Wallet } from "../core/wallet-file.ts";
import type { SystemConfig } from "./config.ts";

/** The keys of a devnet system: the deployer (Config admin), arbiter, treasury, and the demo wallets. */
export interface SystemKeys {
  readonly admin: Wallet;
  readonly alice: Wallet;
  readonly bob: Wallet;
  /** Config R8: signs provider_down refunds and dispute resolutions (the marketplace holds it). */
  readonly arbiterSecretHex: string;
  readonly arbiter: Signer;
  /** Where protocol fees go. */
  readonly treasury: Signer;
}

/** Reads the system's keys from the data dir, creating what is missing (files 0600). */
export function ensureSystemKeys(config: SystemConfig): SystemKeys {
  const arbiterSecretHex = ensureSecret(join(config.keysDir, "arbiter.key"));
  return {
    admin: ensureWalletFile(join(config.walletsDir, "admin.json")),
    alice: ensureWalletFile(join(config.walletsDir, "alice.json")),
    bob: ensureWalletFile(join(config.walletsDir, "bob.json")),
    arbiterSecretHex,
    arbiter: Signer.fromSecretHex(arbiterSecretHex),
    treasury: Signer.fromSecretHex(ensureSecret(join(config.keysDir, "treasury.key"))),
  };
}

/** A 32-byte secret (hex) kept in a 0600 file. */
export function ensureSecret(path: string): string {
  if (existsSync(path)) return readFileSync(path, "utf8").trim();
  const secret = randomBytes(32).toString("hex");
  writePrivate(path, `${secret}\n`);
  return secret;
}

/** The marketplace's Ed25519 credential key (PKCS8 PEM), kept so credentials survive a restart. */
export function ensureJwtKeyFile(config: SystemConfig): string {
  const path = join(config.keysDir, "marketplace-jwt.pem");
  if (!existsSync(path)) {
    const { privateKey } = generateKeyPairSync("ed25519");
    writePrivate(path, privateKey.export({ type: "pkcs8", format: "pem" }).toString());
  }
  return path;
}

export function writePrivate(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600);
}
