import { SByte, SColl, SInt, SLong } from "@fleet-sdk/serializer";
import { describe, expect, it } from "vitest";
import { Signer } from "../../signing/signer.ts";
import { sigmaPropRegister } from "../config/sigmaProp.ts";
import { NotAStakeError } from "../errors/notAStake.ts";
import { BONDED, parseStakeBox, stakeRegisters } from "./registers.ts";

const deployment = { contracts: { providerStake: { ergoTree: `10${"ab".repeat(40)}` } } };
const provider = Signer.random();
const hash = "5a".repeat(32);

function stakeBox(
  registers: Record<string, string | undefined> = {},
  tree = deployment.contracts.providerStake.ergoTree,
) {
  const all = { ...stakeRegisters(sigmaPropRegister(provider.address), hash, BONDED), ...registers };
  return {
    boxId: "03".repeat(32),
    transactionId: "04".repeat(32),
    index: 0,
    value: "30000000000",
    ergoTree: tree,
    creationHeight: 10,
    assets: [],
    additionalRegisters: Object.fromEntries(
      Object.entries(all).filter((entry): entry is [string, string] => entry[1] !== undefined),
    ),
  };
}

describe("Provider Stake decoder", () => {
  it("Should read a bonded and an unbonding stake", () => {
    expect(parseStakeBox(stakeBox(), deployment)).toMatchObject({
      provider: `00${sigmaPropRegister(provider.address)}`,
      listingHash: hash,
      unbondingStart: undefined,
      value: 30_000_000_000n,
    });
    expect(parseStakeBox(stakeBox({ R6: SInt(77).toHex() }), deployment).unbondingStart).toBe(77);
  });

  it("Should refuse another script and name each malformed register", () => {
    expect(() => parseStakeBox(stakeBox({}, `10${"cd".repeat(40)}`), deployment)).toThrow(/other script/);
    const cases: [Record<string, string | undefined>, RegExp][] = [
      [{ R4: undefined }, /R4/],
      [{ R4: SColl(SByte, hash).toHex() }, /R4/],
      [{ R5: SColl(SByte, "5a".repeat(31)).toHex() }, /R5/],
      [{ R5: SLong(1n).toHex() }, /R5/],
      [{ R6: undefined }, /R6/],
      [{ R6: SLong(-1n).toHex() }, /R6/],
    ];
    for (const [changed, register] of cases) {
      expect(() => parseStakeBox(stakeBox(changed), deployment)).toThrow(NotAStakeError);
      expect(() => parseStakeBox(stakeBox(changed), deployment)).toThrow(register);
    }
  });
});
