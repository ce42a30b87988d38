import { describe, expect, it } from "vitest";
import { Signer } from "../signing/signer.ts";
import { type ConfigSettings, encodeConfigRegisters, parseConfigBox } from "./config.ts";
import { DEFAULT_PARAMS } from "./deploy.ts";
import { ConfigBoxMismatchError } from "./errors/configBoxMismatch.ts";
import { MalformedConfigBoxError } from "./errors/malformedConfigBox.ts";
import { UnsupportedPropositionError } from "./errors/unsupportedProposition.ts";

const admin = Signer.random();
const arbiter = Signer.random();
const settings: ConfigSettings = {
  ...DEFAULT_PARAMS,
  price: 1_250_000_000n,
  whitelist: [{ tokenId: "ab".repeat(32), rate: 10_000n }],
  admin: admin.address,
  arbiter: arbiter.address,
  treasury: Signer.random().address,
};
const nft = "cd".repeat(32);
const box = (registers: Record<string, string>) => ({
  boxId: "00".repeat(32),
  transactionId: "11".repeat(32),
  index: 0,
  value: "1000000",
  ergoTree: "00",
  creationHeight: 1,
  assets: [{ tokenId: nft, amount: "1" }],
  additionalRegisters: registers,
});

describe("Config registers", () => {
  it("Should read back every setting it encoded", () => {
    const config = parseConfigBox(box(encodeConfigRegisters(settings)), nft);
    expect(config).toMatchObject({ ...DEFAULT_PARAMS, price: 1_250_000_000n, whitelist: settings.whitelist });
    expect(config.minStakePerGpu).toBe(100_000_000_000n);
    expect(config.admin.startsWith("0008cd")).toBe(true);
    expect(config.admin).not.toBe(config.arbiter);
  });

  it("Should refuse a box without the deployment's Config NFT", () => {
    expect(() => parseConfigBox(box(encodeConfigRegisters(settings)), "ef".repeat(32))).toThrow(
      ConfigBoxMismatchError,
    );
  });

  it("Should name the register that is missing or mistyped", () => {
    const registers = { ...encodeConfigRegisters(settings), R5: "0e0100" };
    expect(() => parseConfigBox(box(registers))).toThrow(MalformedConfigBoxError);
    expect(() => parseConfigBox(box(registers))).toThrow(/R5/);
  });

  it("Should refuse an admin that is not a P2PK key", () => {
    expect(() => encodeConfigRegisters({ ...settings, admin: "100204a00b08cd0279be" })).toThrow(
      UnsupportedPropositionError,
    );
  });
});
