import type { Amount, Box } from "@fleet-sdk/common";
import { SByte, SInt, SLong } from "@fleet-sdk/serializer";
import { EscrowAction, EscrowVar } from "@gpuc/ergoscript";
import { describe, expect, it } from "vitest";
import { Signer } from "../../signing/signer.ts";
import { sigmaPropRegister } from "../config/sigmaProp.ts";
import type { Spender } from "../lineage/view.ts";
import { EscrowStartOutsideWindowError } from "./errors/escrowStartOutsideWindow.ts";
import { EscrowTermsMismatchError } from "./errors/escrowTermsMismatch.ts";
import { EscrowUnconfirmedError } from "./errors/escrowUnconfirmed.ts";
import { EscrowUnderfundedError } from "./errors/escrowUnderfunded.ts";
import { NotASuccessorError } from "./errors/notASuccessor.ts";
import { checkSuccessor, escrowSuccessor } from "./lineage.ts";
import { checkOpening } from "./opening.ts";
import { type EscrowState, type EscrowTerms, escrowRegisters, parseEscrowBox } from "./registers.ts";
import { readEscrowSpend } from "./spend.ts";

// The checks that tell a genuine recreation of an escrow from a forged one, on boxes built by hand: each forged
// successor below is one change away from the honest one.

const deployment = {
  gpucTokenId: "aa".repeat(32),
  contracts: { rentalEscrow: { ergoTree: `10${"cd".repeat(40)}` } },
};
const options = { deployment };
const consumer = sigmaPropRegister(Signer.random().address);
const provider = sigmaPropRegister(Signer.random().address);
const PRICE = 1_000_000n;
const PARENT = "0e".repeat(32);
const SPENDER = "5e".repeat(32);

interface BoxShape {
  boxId?: string;
  transactionId?: string;
  index?: number;
  value?: bigint;
  gpuc?: bigint;
  terms?: Partial<EscrowTerms>;
  provider?: string;
  rentalId?: string;
  parentBoxId?: string;
}

const TERMS: EscrowTerms = { pricePerHour: PRICE, startHeight: 100, prepaidHours: 4, paidHours: 1 };

function box(shape: BoxShape = {}): Box<Amount> {
  return {
    boxId: shape.boxId ?? "c1".repeat(32),
    transactionId: shape.transactionId ?? SPENDER,
    index: shape.index ?? 2,
    value: String(shape.value ?? 1_000_000n),
    ergoTree: deployment.contracts.rentalEscrow.ergoTree,
    creationHeight: 110,
    assets: [{ tokenId: deployment.gpucTokenId, amount: String(shape.gpuc ?? 2n * PRICE) }],
    additionalRegisters: escrowRegisters({
      consumerRegister: consumer,
      providerRegister: shape.provider ?? provider,
      terms: { ...TERMS, paidHours: 2, ...shape.terms },
      rentalId: shape.rentalId ?? "0a1b",
      parentBoxId: "parentBoxId" in shape ? shape.parentBoxId : PARENT,
    }),
  };
}

const read = (b: Box<Amount>): EscrowState => parseEscrowBox(b, deployment);

/** The escrow being spent: 4 prepaid hours, 1 paid, 3 hours of GPUC. */
const parent = read({
  ...box({ gpuc: 3n * PRICE, terms: { paidHours: 1 }, parentBoxId: undefined }),
  boxId: PARENT,
  transactionId: "0f".repeat(32),
  index: 0,
});

function extension(action: number, outputIndex: number, amount?: bigint): Record<string, string> {
  const vars: Record<string, string> = {
    [EscrowVar.action]: SByte(action).toHex(),
    [EscrowVar.outputIndex]: SInt(outputIndex).toHex(),
  };
  if (amount !== undefined) vars[EscrowVar.amount] = SLong(amount).toHex();
  return vars;
}

/** A claim of one hour: payout at 0, fee at 1, the recreated escrow at 2. */
const claimed = box();
const claim: Spender = { id: SPENDER, extension: extension(EscrowAction.claim, 0, 1n), outputs: [claimed] };

function refusal(spender: Spender | undefined, child: Box<Amount>): string {
  try {
    checkSuccessor(parent, spender, read(child));
  } catch (error) {
    expect(error).toBeInstanceOf(NotASuccessorError);
    return (error as NotASuccessorError).detail;
  }
  throw new Error("the forged box was taken for the successor");
}

describe("Escrow successor checks", () => {
  it("Should take the output a claim or a top-up pins, with or without the spend's context variables", () => {
    expect(checkSuccessor(parent, claim, read(claimed))).toMatchObject({
      action: EscrowAction.claim,
      hours: 1,
      transactionId: SPENDER,
    });
    const extended = box({ index: 0, gpuc: 5n * PRICE, terms: { prepaidHours: 6, paidHours: 1 } });
    const extend = { id: SPENDER, extension: extension(EscrowAction.extend, 0, 2n), outputs: [extended] };
    expect(escrowSuccessor(parent, extend, options)).toMatchObject({ action: EscrowAction.extend, hours: 2 });
    // An index of boxes keeps no extensions: the outputs are judged by what a claim leaves.
    expect(escrowSuccessor(parent, { id: SPENDER, outputs: [claimed] }, options)?.escrow.boxId).toBe(
      claimed.boxId,
    );
  });

  it("Should refuse a box that the spend of the escrow did not create", () => {
    expect(refusal(undefined, claimed)).toMatch(/no transaction spending that escrow recreated it/);
    expect(refusal({ ...claim, id: "99".repeat(32) }, claimed)).toMatch(/no transaction spending/);
    expect(refusal({ outputs: [] }, claimed)).toMatch(/no transaction spending/);
    expect(refusal(claim, box({ parentBoxId: "77".repeat(32) }))).toMatch(/R8 does not name/);
  });

  it("Should refuse a box left by a closing spend, or not at the output the spend points at", () => {
    const exit = { ...claim, extension: extension(EscrowAction.consumerExit, 0) };
    expect(refusal(exit, claimed)).toMatch(/consumerExit, which recreates none/);
    expect(escrowSuccessor(parent, exit, options)).toBeUndefined();
    // A copy of the recreated escrow put before the escrow's outputs (index 0 < output index 1).
    const copy = box({ boxId: "c0".repeat(32), index: 0 });
    const withCopy = { ...claim, extension: extension(EscrowAction.claim, 1, 1n), outputs: [copy, claimed] };
    expect(refusal(withCopy, copy)).toMatch(/not the output the spend's context variables point at/);
    expect(escrowSuccessor(parent, withCopy, options)?.escrow.boxId).toBe(claimed.boxId);
    expect(refusal({ ...claim, extension: {} }, claimed)).toMatch(/no escrow action/);
  });

  it("Should refuse a box whose parties, rental, price or start changed", () => {
    expect(refusal(claim, box({ provider: consumer }))).toBe("provider changed");
    expect(refusal(claim, box({ rentalId: "0a1c" }))).toBe("rentalId changed");
    expect(refusal(claim, box({ terms: { pricePerHour: 2n * PRICE } }))).toBe("pricePerHour changed");
    expect(refusal(claim, box({ terms: { startHeight: 99 } }))).toBe("startHeight changed");
    expect(refusal(claim, box({ value: 999_999n }))).toMatch(/less ERG/);
  });

  it("Should refuse hours or GPUC other than a claim or a top-up leaves", () => {
    const index = { id: SPENDER, outputs: [] };
    const forged = [
      box({ gpuc: 2n * PRICE + 1n }), // a claim keeping one unit too many
      box({ gpuc: 3n * PRICE, terms: { paidHours: 2, prepaidHours: 5 } }), // paid and prepaid both up
      box({ gpuc: 3n * PRICE + 1n, terms: { paidHours: 1, prepaidHours: 10_000 } }), // 9,996 hours for 1 unit
      box({ gpuc: 3n * PRICE, terms: { paidHours: 1 } }), // nothing changed
      box({ gpuc: 4n * PRICE, terms: { paidHours: 0 } }), // paid hours went down
    ];
    for (const child of forged) {
      expect(refusal(index, child)).toMatch(/neither what a claim nor what a top-up/);
      expect(escrowSuccessor(parent, { ...index, outputs: [child] }, options)).toBeUndefined();
    }
    // The spend says 2 hours were claimed; the box is what a claim of 1 leaves.
    expect(refusal({ ...claim, extension: extension(EscrowAction.claim, 0, 2n) }, claimed)).toMatch(
      /not what a claim of 2 hours leaves/,
    );
  });

  it("Should pick the genuine box among forged ones when the view keeps no extensions", () => {
    const forged = box({ boxId: "c0".repeat(32), index: 1, gpuc: 2n * PRICE + 1n });
    const other = { ...box({ boxId: "c3".repeat(32), index: 3 }), ergoTree: `10${"ab".repeat(40)}` };
    const spender = { id: SPENDER, outputs: [forged, claimed, other] };
    expect(escrowSuccessor(parent, spender, options)?.escrow.boxId).toBe(claimed.boxId);
    expect(escrowSuccessor(parent, { id: SPENDER, outputs: [forged] }, options)).toBeUndefined();
  });

  it("Should read an escrow input's context variables by their ids", () => {
    expect(readEscrowSpend(extension(EscrowAction.providerClose, 3, 5n))).toEqual({
      action: EscrowAction.providerClose,
      outputIndex: 3,
      amount: 5n,
    });
    expect(readEscrowSpend(extension(9, 0))).toBeUndefined();
    expect(readEscrowSpend({ [EscrowVar.action]: SByte(0).toHex() })).toBeUndefined();
  });
});

describe("Opening escrow checks", () => {
  const opening = read(box({ gpuc: 4n * PRICE, terms: { paidHours: 0 }, parentBoxId: undefined }));
  const terms = {
    consumer: `00${consumer}`,
    provider: `00${provider}`,
    pricePerHour: PRICE,
    prepaidHours: 4,
    gpuc: 4n * PRICE,
    startSlackBlocks: 15,
  };

  it("Should accept the agreed terms with a start inside [inclusion − slack, inclusion]", () => {
    expect(() => checkOpening(opening, 100, terms)).not.toThrow();
    expect(() => checkOpening(opening, 115, terms)).not.toThrow();
    expect(() => checkOpening(opening, 99, terms)).toThrow(EscrowStartOutsideWindowError);
    expect(() => checkOpening(opening, 116, terms)).toThrow(/startHeight 100 is not within \[101, 116\]/);
    expect(() => checkOpening(opening, undefined, terms)).toThrow(EscrowUnconfirmedError);
  });

  it("Should name the term that differs", () => {
    const differing: [Partial<typeof terms>, string][] = [
      [{ consumer: `00${provider}` }, "consumer"],
      [{ provider: `00${consumer}` }, "provider"],
      [{ pricePerHour: 2n * PRICE }, "pricePerHour"],
      [{ prepaidHours: 5 }, "prepaidHours"],
      [{ gpuc: 5n * PRICE }, "gpuc"],
    ];
    for (const [changed, term] of differing) {
      let refused: unknown;
      try {
        checkOpening(opening, 100, { ...terms, ...changed });
      } catch (error) {
        refused = error;
      }
      expect(refused).toBeInstanceOf(EscrowTermsMismatchError);
      expect((refused as EscrowTermsMismatchError).term).toBe(term);
    }
    const paid = read(box({ gpuc: 3n * PRICE, terms: { paidHours: 1 }, parentBoxId: undefined }));
    expect(() => checkOpening(paid, 100, { startSlackBlocks: 15 })).toThrow(/already marked paid/);
  });

  it("Should refuse an escrow holding less than its prepaid hours", () => {
    const short = read(box({ gpuc: 4n * PRICE - 1n, terms: { paidHours: 0 }, parentBoxId: undefined }));
    expect(() => checkOpening(short, 100, { startSlackBlocks: 15 })).toThrow(EscrowUnderfundedError);
    expect(() => checkOpening(short, 100, { startSlackBlocks: 15 })).toThrow(
      /holds 3999999 GPUC units, less than the 4000000 its 4 unpaid prepaid hours need/,
    );
  });
});
