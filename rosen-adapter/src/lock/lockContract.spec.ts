import { describe, expect, it } from "vitest";
import { lockRegisterR4 } from "./lockBox.ts";
import { compileLockContract, MAINNET_GUARD_NFT, MAINNET_LOCK_ADDRESS } from "./lockContract.ts";

describe("Rosen's lock contract", () => {
  it("Should compile Lock.es with the mainnet GuardNFT into Rosen's published mainnet lock address", () => {
    expect(compileLockContract(MAINNET_GUARD_NFT, "mainnet").address).toBe(MAINNET_LOCK_ADDRESS);
  });

  it("Should give another GuardNFT another lock (the devnet's own)", () => {
    const devnet = compileLockContract("ab".repeat(32), "testnet");
    expect(devnet.ergoTree).not.toBe(compileLockContract(MAINNET_GUARD_NFT, "testnet").ergoTree);
    expect(devnet.ergoTree).toContain("ab".repeat(32));
  });

  it("Should write R4 as Coll[Coll[Byte]] of the five strings, network fee before bridge fee", () => {
    const r4 = lockRegisterR4({
      toChain: "ergo",
      toAddress: "x",
      networkFee: 2n,
      bridgeFee: 3n,
      fromAddress: "y",
    });
    // 1a: Coll[Coll[Byte]], 05 entries, each a length and its UTF-8 bytes.
    expect(r4).toBe(`1a05${["ergo", "x", "2", "3", "y"].map(hexOf).join("")}`);
  });
});

function hexOf(text: string): string {
  const bytes = Buffer.from(text, "utf8");
  return bytes.length.toString(16).padStart(2, "0") + bytes.toString("hex");
}
