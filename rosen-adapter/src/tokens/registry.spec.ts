import { describe, expect, it } from "vitest";
import { TokenMapInvalidError } from "../errors/tokenMapInvalid.ts";
import { UnknownChainError } from "../errors/unknownChain.ts";
import { UnknownTokenError } from "../errors/unknownToken.ts";
import { TokenRegistry } from "./registry.ts";
import { MAINNET_TOKEN_MAP, parseTokenMapFile, readTokenMapFile } from "./tokenMapFile.ts";

const SIGUSD = "03faf2cb329f2e90d6d23b58d91bbb6c046aa143261cc21f52fbe2824bfcbf04";
const RSETH = "203ef3066a912f35c488487cc2cb94bdb0d30680dab22551c7e6fdbc70dfcc8e";

describe("Token registry over Rosen's mainnet map (vendored)", () => {
  it("Should know every bridged token on Ergo by id and name, with decimals and origin chain", async () => {
    const registry = await TokenRegistry.load(await readTokenMapFile(MAINNET_TOKEN_MAP));
    expect(registry.byErgoId(RSETH)).toMatchObject({ name: "rsETH", decimals: 9, originChain: "ethereum" });
    expect(registry.resolve("rsada")).toMatchObject({ residency: "wrapped", originChain: "cardano" });
    expect(registry.resolve(SIGUSD)).toMatchObject({ name: "SigUSD", originChain: "ergo", usdPegged: true });
    expect(registry.tokens()[0]).toMatchObject({ tokenId: "erg", name: "ERG" });
  });

  it("Should have no USDT on mainnet, as Rosen's map has none", async () => {
    const registry = await TokenRegistry.load(await readTokenMapFile(MAINNET_TOKEN_MAP));
    expect(registry.tokens().some((token) => /usdt/i.test(token.name))).toBe(false);
    expect(registry.stables().map((token) => token.name)).toEqual(["SigUSD", "USE"]);
    expect(() => registry.resolve("rsUSDT")).toThrow(UnknownTokenError);
  });

  it("Should name the chains a token reaches, and refuse others", async () => {
    const registry = await TokenRegistry.load(await readTokenMapFile(MAINNET_TOKEN_MAP));
    const sigUsd = registry.resolve("SigUSD");
    expect(registry.onChain(sigUsd, "ethereum").name).toBe("rsSigUSD");
    expect(() => registry.onChain(sigUsd, "doge")).toThrow(UnknownChainError);
  });

  it("Should wrap amounts to the set's smallest decimals, rounding up as Rosen does", async () => {
    const registry = await TokenRegistry.load(await readTokenMapFile(MAINNET_TOKEN_MAP));
    const rsEth = registry.resolve("rsETH");
    expect(rsEth.significantDecimals).toBe(9);
    expect(registry.wrap(rsEth, 123n)).toBe(123n);
  });

  it("Should refuse a map whose USD-pegged flag names a token it does not have", () => {
    const map = { version: "x", usdPegged: ["ab".repeat(32)], tokens: [{ ergo: tokenEntry("erg") }] };
    expect(() => parseTokenMapFile(map)).toThrow(TokenMapInvalidError);
  });
});

function tokenEntry(tokenId: string) {
  return { tokenId, name: "ERG", decimals: 9, type: "native", residency: "native", extra: {} };
}
