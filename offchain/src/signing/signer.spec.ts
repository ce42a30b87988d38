import { describe, expect, it } from "vitest";
import { InvalidSecretError } from "./errors.ts";
import { Signer, verifyMessage } from "./signer.ts";

// BIP-39 test vector mnemonic; public, used only to check EIP-3 derivation.
const MNEMONIC =
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

describe("Signer", () => {
  it("Should derive the EIP-3 first address deterministically from a mnemonic", () => {
    const a = Signer.fromMnemonic(MNEMONIC);
    const b = Signer.fromMnemonic(`  ${MNEMONIC.replaceAll(" ", "   ")} `);
    expect(a.address).toBe(b.address);
    expect(a.address).toMatch(/^3W/); // testnet P2PK
    expect(Signer.fromMnemonic(MNEMONIC, { index: 1 }).address).not.toBe(a.address);
    expect(Signer.fromMnemonic(MNEMONIC, { network: "mainnet" }).address).toMatch(/^9/);
  });

  it("Should refuse a malformed secret without echoing it", () => {
    const secret = "not a mnemonic at all";
    const error = (() => {
      try {
        Signer.fromMnemonic(secret);
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error).toBeInstanceOf(InvalidSecretError);
    expect(error?.message).not.toContain(secret);
    expect(() => Signer.fromSecretHex("zz")).toThrow(InvalidSecretError);
  });

  it("Should sign messages that verify only for the signer's address", () => {
    const alice = Signer.random();
    const message = new TextEncoder().encode("gpuc heartbeat");
    const signature = alice.signMessage(message);
    expect(verifyMessage(alice.address, message, signature)).toBe(true);
    expect(verifyMessage(Signer.random().address, message, signature)).toBe(false);
    expect(verifyMessage(alice.address, new TextEncoder().encode("other"), signature)).toBe(false);
  });
});
