import { SByte, SColl, SInt, SLong } from "@fleet-sdk/serializer";
import { describe, expect, it } from "vitest";
import { Signer } from "../../signing/signer.ts";
import { sigmaPropRegister } from "../config/sigmaProp.ts";
import { NotAnEscrowError } from "../errors/notAnEscrow.ts";
import { escrowRegisters, parseEscrowBox, payoutEscrowId } from "./registers.ts";

const deployment = {
  gpucTokenId: "aa".repeat(32),
  contracts: { rentalEscrow: { ergoTree: `10${"cd".repeat(40)}` } },
};
const consumer = Signer.random();
const provider = Signer.random();
const terms = { pricePerHour: 1_000_000n, startHeight: 100, prepaidHours: 4, paidHours: 1 };
const registers = escrowRegisters({
  consumerRegister: sigmaPropRegister(consumer.address),
  providerRegister: sigmaPropRegister(provider.address),
  terms,
  rentalId: "0a1b",
  parentBoxId: "ee".repeat(32),
});

function escrowBox(
  overrides: { registers?: Record<string, string | undefined>; gpuc?: bigint; tree?: string } = {},
) {
  const additionalRegisters = Object.fromEntries(
    Object.entries({ ...registers, ...overrides.registers }).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  );
  return {
    boxId: "01".repeat(32),
    transactionId: "02".repeat(32),
    index: 0,
    value: "1000000",
    ergoTree: overrides.tree ?? deployment.contracts.rentalEscrow.ergoTree,
    creationHeight: 100,
    assets: [{ tokenId: deployment.gpucTokenId, amount: String(overrides.gpuc ?? 3_000_000n) }],
    additionalRegisters,
  };
}

function refusal(box: ReturnType<typeof escrowBox>): string {
  try {
    parseEscrowBox(box, deployment);
  } catch (error) {
    expect(error).toBeInstanceOf(NotAnEscrowError);
    return (error as NotAnEscrowError).reason;
  }
  throw new Error("the box was read as an escrow");
}

describe("Rental Escrow decoder", () => {
  it("Should read every register of a recreated escrow", () => {
    const escrow = parseEscrowBox(escrowBox(), deployment);
    expect(escrow).toMatchObject({
      ...terms,
      consumer: `00${sigmaPropRegister(consumer.address)}`,
      provider: `00${sigmaPropRegister(provider.address)}`,
      rentalId: "0a1b",
      parentBoxId: "ee".repeat(32),
      gpuc: 3_000_000n,
      fullyFunded: true,
    });
    expect(parseEscrowBox(escrowBox({ gpuc: 2_999_999n }), deployment).fullyFunded).toBe(false);
    expect(
      parseEscrowBox(escrowBox({ registers: { R8: undefined } }), deployment).parentBoxId,
    ).toBeUndefined();
  });

  it("Should refuse a box of another script or holding anything but GPUC", () => {
    expect(refusal(escrowBox({ tree: `10${"ab".repeat(40)}` }))).toBe("other script");
    const extra = escrowBox();
    extra.assets.push({ tokenId: "bb".repeat(32), amount: "1" });
    expect(refusal(extra)).toBe("it must hold GPUC only");
    expect(refusal({ ...escrowBox(), assets: [] })).toBe("it must hold GPUC only");
  });

  it("Should name each malformed register", () => {
    const long = SLong(1n).toHex();
    const cases: [Record<string, string | undefined>, RegExp][] = [
      [{ R4: undefined }, /R4/],
      [{ R4: SColl(SByte, "08cd").toHex() }, /R4/],
      [{ R5: long }, /R5/],
      [{ R6: SColl(SLong, [1n, 2n, 3n]).toHex() }, /R6/],
      [{ R6: SColl(SInt, [1, 100, 4, 0]).toHex() }, /R6/],
      [{ R6: SColl(SLong, [0n, 100n, 4n, 0n]).toHex() }, /R6/], // no price
      [{ R6: SColl(SLong, [1n, -1n, 4n, 0n]).toHex() }, /R6/], // negative start
      [{ R6: SColl(SLong, [1n, 100n, 4n, 5n]).toHex() }, /R6/], // more paid than prepaid
      [{ R6: SColl(SLong, [1n, 100n, 2n ** 31n, 0n]).toHex() }, /R6/],
      [{ R7: undefined }, /R7/],
      [{ R7: long }, /R7/],
      [{ R8: long }, /R8/],
      [{ R8: `${SColl(SByte, "ee".repeat(32)).toHex()}00` }, /R8/], // trailing bytes
    ];
    for (const [changed, register] of cases)
      expect(refusal(escrowBox({ registers: changed }))).toMatch(register);
  });

  it("Should tell which escrow a payout was paid out of", () => {
    expect(payoutEscrowId({ additionalRegisters: { R4: SColl(SByte, "ee".repeat(32)).toHex() } })).toBe(
      "ee".repeat(32),
    );
    expect(payoutEscrowId({ additionalRegisters: {} })).toBeUndefined();
  });
});
