import { SLong } from "@fleet-sdk/serializer";
import { describe, expect, it } from "vitest";
import { Signer } from "../../signing/signer.ts";
import { sigmaPropRegister } from "../config/sigmaProp.ts";
import { NotACreditAccountError } from "../errors/notACreditAccount.ts";
import { parseCreditAccount } from "./account.ts";

const deployment = { contracts: { creditAccount: { ergoTree: `10${"ef".repeat(40)}` } } };
const owner = Signer.random();

function accountBox(registers: Record<string, string>, tree = deployment.contracts.creditAccount.ergoTree) {
  return {
    boxId: "05".repeat(32),
    transactionId: "06".repeat(32),
    index: 0,
    value: "5000000000",
    ergoTree: tree,
    creationHeight: 10,
    assets: [],
    additionalRegisters: registers,
  };
}

describe("Credit Account decoder", () => {
  const R4 = sigmaPropRegister(owner.address);

  it("Should read the owner, the collateral and the debt", () => {
    expect(parseCreditAccount(accountBox({ R4, R5: SLong(7n).toHex() }), deployment)).toMatchObject({
      ownerRegister: R4,
      owner: `00${R4}`,
      collateral: 5_000_000_000n,
      debt: 7n,
    });
  });

  it("Should refuse another script, a bad owner and a negative or mistyped debt", () => {
    const refused = [
      accountBox({ R4, R5: SLong(0n).toHex() }, `10${"00".repeat(40)}`),
      accountBox({ R4: SLong(1n).toHex(), R5: SLong(0n).toHex() }),
      accountBox({ R4, R5: SLong(-1n).toHex() }),
      accountBox({ R4, R5: R4 }),
      accountBox({ R4 }),
    ];
    for (const box of refused)
      expect(() => parseCreditAccount(box, deployment)).toThrow(NotACreditAccountError);
  });
});
