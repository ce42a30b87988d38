import { heartbeatMessage } from "@gpuc/sdk";
import { describe, expect, it } from "vitest";
import { signHeartbeat } from "../marketplace/heartbeat.ts";
import {
  lazyTransactionSigner,
  ProviderKeyError,
  signerFromMnemonic,
  signerFromSecretKey,
  transactionSigner,
  verifyProviderSignature,
} from "./provider-signer.ts";

// The BIP-39 test phrase; its first EIP-3 address is public knowledge, not a secret.
const MNEMONIC =
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

describe("provider signer", () => {
  it("Should derive the wallet's first EIP-3 address from a seed phrase, the same on every start", () => {
    const a = signerFromMnemonic(MNEMONIC, "", "testnet");
    const b = signerFromMnemonic(`  ${MNEMONIC.replaceAll(" ", "  ")} `, "", "testnet");
    expect(a.address).toBe(b.address);
    expect(a.address.startsWith("3")).toBe(true);
    expect(signerFromMnemonic(MNEMONIC, "", "mainnet").address.startsWith("9")).toBe(true);
  });

  it("Should sign a heartbeat so that ergo-lib verify_signature accepts it, and only for those bytes", () => {
    const signer = signerFromSecretKey("1".repeat(64), "testnet");
    const heartbeat = { timestamp: "2026-01-01T00:00:00.000Z", gpus: [], instances: [] };
    const signed = signHeartbeat(signer, heartbeat);
    expect(verifyProviderSignature(signer.address, heartbeatMessage(heartbeat), signed.signature)).toBe(true);
    const tampered = { ...heartbeat, instances: [{ id: "x", state: "Running" as const, runningSeconds: 1 }] };
    expect(verifyProviderSignature(signer.address, heartbeatMessage(tampered), signed.signature)).toBe(false);
    const other = signerFromSecretKey("2".repeat(64), "testnet");
    expect(verifyProviderSignature(other.address, heartbeatMessage(heartbeat), signed.signature)).toBe(false);
  });

  it("Should sign the provider id with the heartbeat, so it cannot be replayed to a sibling provider", () => {
    const signer = signerFromSecretKey("1".repeat(64), "testnet");
    const heartbeat = { providerId: "rig-a", timestamp: "2026-01-01T00:00:00.000Z", gpus: [], instances: [] };
    const signed = signHeartbeat(signer, heartbeat);
    expect(new TextDecoder().decode(heartbeatMessage(heartbeat))).toContain('"providerId":"rig-a"');
    const replayed = { ...heartbeat, providerId: "rig-b" };
    expect(verifyProviderSignature(signer.address, heartbeatMessage(replayed), signed.signature)).toBe(false);
  });

  it("Should sign transactions with the same key and address as heartbeats", () => {
    const fromPhrase = transactionSigner({ kind: "mnemonic", mnemonic: MNEMONIC, passphrase: "" }, "testnet");
    expect(fromPhrase.address).toBe(signerFromMnemonic(MNEMONIC, "", "testnet").address);
    const secretHex = "5".repeat(64);
    expect(transactionSigner({ kind: "secret", secretHex }, "mainnet").address).toBe(
      signerFromSecretKey(secretHex, "mainnet").address,
    );
    expect(() => transactionSigner({ kind: "secret", secretHex: "12" }, "testnet")).toThrow(ProviderKeyError);
    // Fleet derives the heartbeat key, ergo-lib the transaction key: a passphrase must move both alike.
    const withPassphrase = { kind: "mnemonic", mnemonic: MNEMONIC, passphrase: "TREZOR" } as const;
    expect(transactionSigner(withPassphrase, "testnet").address).toBe(
      signerFromMnemonic(MNEMONIC, "TREZOR", "testnet").address,
    );
    expect(signerFromMnemonic(MNEMONIC, "TREZOR", "testnet").address).not.toBe(fromPhrase.address);
  });

  it("Should make the transaction signer only at its first signature, and refuse a secret outside the curve's order", () => {
    const secret = { kind: "secret", secretHex: "5".repeat(64) } as const;
    const lazy = lazyTransactionSigner(secret, "testnet", "not-read-until-signing");
    expect(lazy.address).toBe("not-read-until-signing");
    // The order of secp256k1 and above are no secrets: refused when the executor starts, not at its first claim.
    expect(() => signerFromSecretKey("f".repeat(64), "testnet")).toThrow(ProviderKeyError);
    expect(() => signerFromSecretKey("0".repeat(64), "testnet")).toThrow(ProviderKeyError);
  });

  it("Should refuse malformed keys with a message naming the settings", () => {
    expect(() => signerFromSecretKey("abc", "testnet")).toThrow(ProviderKeyError);
    expect(() => signerFromMnemonic("one two three", "", "testnet")).toThrow(/GPUC_PROVIDER_MNEMONIC/);
  });

  it("Should sign the canonical JSON, whatever the key order of the body", () => {
    const message = new TextDecoder().decode(
      heartbeatMessage({ instances: [], gpus: [], timestamp: "2026-01-01T00:00:00.000Z" }),
    );
    expect(message).toBe('{"gpus":[],"instances":[],"timestamp":"2026-01-01T00:00:00.000Z"}');
  });
});
