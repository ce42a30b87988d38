import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { WalletUnreadableError } from "./errors.ts";
import { readWalletFile } from "./wallet-file.ts";

const MNEMONIC =
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

function unreadable(content: string): Error {
  const path = join(mkdtempSync(join(tmpdir(), "gpuc-wallet-")), "wallet.json");
  writeFileSync(path, content, { mode: 0o600 });
  try {
    readWalletFile(path);
  } catch (error) {
    return error as Error;
  }
  throw new Error("the wallet was read");
}

describe("readWalletFile", () => {
  it("Should refuse a bare mnemonic without quoting any of it", () => {
    const error = unreadable(MNEMONIC);
    expect(error).toBeInstanceOf(WalletUnreadableError);
    expect(error.message).toMatch(/not valid JSON/);
    expect(error.message).not.toMatch(/abandon|about/);
  });

  it("Should name the bad field, not its value", () => {
    const error = unreadable(
      JSON.stringify({ version: 1, network: "testnet", mnemonic: 42, address: MNEMONIC }),
    );
    expect(error.message).toMatch(/mnemonic/);
    expect(error.message).not.toMatch(/abandon|about/);
  });
});
