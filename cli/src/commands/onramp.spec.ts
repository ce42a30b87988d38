import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { gpuc as cli } from "../testing/market.ts";

describe("gpuc buy (no services)", () => {
  const env = { GPUC_WALLET: join(mkdtempSync(join(tmpdir(), "gpuc-buy-")), "wallet.json") };

  it("Should link Banxa's ERG checkout to the wallet's address, without chain or marketplace", async () => {
    const created = await cli(["wallet", "new", "--json"], env);
    const { address } = JSON.parse(created.stdout) as { address: string };
    const { code, stdout } = await cli(["buy", "--erg", "--json"], env);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      address,
      url: `https://checkout.banxa.com/?coinType=ERG&walletAddress=${address}`,
    });
  });

  it("Should refuse a purchase naming neither or both amounts, with exit 2 and what to give", async () => {
    for (const args of [["buy"], ["buy", "--usd", "20", "--gpuc", "5"]]) {
      const { code, stderr } = await cli(args, env);
      expect(code).toBe(2);
      expect(stderr).toMatch(/exactly one of --usd <amount>/);
    }
  });
});
