import { DEFAULT_PARAMS, type ProtocolConfig } from "@gpuc/offchain";
import { describe, expect, it } from "vitest";
import { TokenRegistry } from "../tokens/registry.ts";
import { MAINNET_TOKEN_MAP, readTokenMapFile } from "../tokens/tokenMapFile.ts";
import { precise, proposedWhitelist, stableRate, swapEligibility } from "./eligibility.ts";

const SIGUSD = "03faf2cb329f2e90d6d23b58d91bbb6c046aa143261cc21f52fbe2824bfcbf04";
const USE = "a55b8735ed1a99e46c2c89f8994aacdf4b1109bdcf682f1e5b34479c6e392669";
const OTHER = "cd".repeat(32);
/** 1 GPUC = 1 ERG, 1 ERG = 1 USD. */
const PAR = { priceNanoErgPerGpuc: 1_000_000_000n, nanoErgPerUsd: 1_000_000_000n };

const registry = () => readTokenMapFile(MAINNET_TOKEN_MAP).then((file) => TokenRegistry.load(file));
const config = (whitelist: ProtocolConfig["whitelist"]): ProtocolConfig => ({
  ...DEFAULT_PARAMS,
  price: PAR.priceNanoErgPerGpuc,
  whitelist,
  admin: "00",
  arbiter: "00",
  treasury: "00",
});
const bank = (assets: { tokenId: string; amount: string }[]) => ({
  boxId: "00".repeat(32),
  transactionId: "00".repeat(32),
  index: 0,
  value: "1000000",
  ergoTree: "00",
  creationHeight: 1,
  assets,
  additionalRegisters: {},
});

describe("Swap eligibility and the proposed whitelist", () => {
  it("Should price a stable as GPUC units per token unit: SigUSD at par is 10,000 per cent", async () => {
    const sigUsd = (await registry()).resolve("SigUSD");
    expect(stableRate(sigUsd, PAR)).toBe(10_000n);
    expect(stableRate(sigUsd, { ...PAR, nanoErgPerUsd: 1_500_000_000n })).toBe(15_000n);
  });

  it("Should leave out a stable whose whole-unit rate would round away more than 1 %", async () => {
    const use = (await registry()).resolve("USE");
    // USE has 3 decimals: at 1.5 GPUC per USD one unit is worth 1,500 GPUC units, exact; at 0.0015 it is 1.5.
    expect(precise(use, { ...PAR, nanoErgPerUsd: 1_500_000_000n })).toBe(true);
    expect(precise(use, { ...PAR, nanoErgPerUsd: 1_500_000n })).toBe(false);
  });

  it("Should propose the map's stables, keep a dropped token only while the Bank holds a reserve of it", async () => {
    const map = await registry();
    const current = config([
      { tokenId: OTHER, rate: 7n },
      { tokenId: "ef".repeat(32), rate: 9n },
    ]);
    const whitelist = proposedWhitelist(map, current, PAR, bank([{ tokenId: OTHER, amount: "5" }]));
    expect(whitelist).toEqual([
      { tokenId: SIGUSD, rate: 10_000n },
      { tokenId: USE, rate: 1_000n },
      { tokenId: OTHER, rate: 7n },
    ]);
  });

  it("Should say why a token cannot be swapped", async () => {
    const map = await registry();
    const list = swapEligibility(map, config([{ tokenId: SIGUSD, rate: 10_000n }]));
    const byName = Object.fromEntries(list.map((entry) => [entry.token.name, entry]));
    expect(byName.SigUSD).toMatchObject({ swappable: true, rate: 10_000n });
    expect(byName.USE!.reason).toContain("not on the Config whitelist yet");
    expect(byName.rsBTC!.reason).toContain("not a USD-pegged stable");
    expect(byName.ERG!.reason).toContain("credit account");
  });
});
