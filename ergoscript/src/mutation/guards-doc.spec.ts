import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { guardsSection, pathOf, replaceSection } from "./guards-doc.ts";

const contract = (name: string) =>
  readFileSync(join(import.meta.dirname, "../../contracts", `${name}.es`), "utf8");
const lineOf = (source: string, text: string) => source.split("\n").findIndex((l) => l.includes(text)) + 1;

describe("The guards section of docs/protocol.md", () => {
  it("Should name the spending path of a guard by the block it sits in", () => {
    const escrow = contract("rentalEscrow");
    const at = (text: string) => pathOf("rentalEscrow", escrow, lineOf(escrow, text));
    expect(at("provider && sigmaProp(configured && k > 0L")).toBe("0 claim");
    expect(at("cfgBox.R8[SigmaProp].get && sigmaProp(")).toBe("4 arbiter resolve");
    expect(at("HEIGHT.toLong >= ends")).toBe("5 expiry");
    expect(at("out.R4[Coll[Byte]].get == SELF.id")).toBe("every payout (claim and the closing paths)");
    expect(at("val cfgBox = CONTEXT.dataInputs(0)")).toBe("every spend");
    expect(at("} else if (action == 1) {")).toBe("1 extend (selector)");
    const bank = contract("bank");
    expect(pathOf("bank", bank, lineOf(bank, "swapIssued >= 0L &&"))).toBe("swap path: swap in");
    expect(pathOf("bank", bank, lineOf(bank, "(-xIn).toBigInt"))).toBe("swap path: swap out");
    expect(pathOf("bank", bank, lineOf(bank, "swapIssued == 0L &&"))).toBe("credit path");
    const stake = contract("providerStake");
    const inStake = (text: string) => pathOf("providerStake", stake, lineOf(stake, text));
    expect(inStake("def stakeInputs")).toBe("update and slash: the only stake input");
    expect(inStake("amount > 0L && rest >= 0L")).toBe("2 slash");
    expect(inStake("HEIGHT.toLong >= unbondingStart.toLong")).toBe("1 withdraw");
    expect(inStake("if (action == 1) {")).toBe("1 withdraw (selector)");
  });

  it("Should list each guard with its proof, and say SURVIVED where no test fails without it", () => {
    const source = "{\n  sigmaProp(a && b)\n}\n";
    const section = guardsSection([
      {
        contract: "config",
        source,
        seconds: 3,
        results: [
          { line: 2, text: "a → true", status: "killed", by: "offchain/src/protocol/x.spec.ts > Should x" },
          { line: 2, text: "b → true", status: "survived" },
          { line: 2, text: "a || b", status: "equivalent", why: "b implies a" },
        ],
      },
    ]);
    expect(section).toContain("1 killed, 1 equivalent, 1 survived (from a 3 s run)");
    expect(section).toContain("| every spend | 2 | `a → true` | x.spec.ts > Should x |");
    expect(section).toContain("| every spend | 2 | `b → true` | **SURVIVED: no test** |");
    expect(section).toContain("`a \\|\\| b` | equivalent: b implies a |");
  });

  it("Should replace only the text between the markers, and refuse a document without them", () => {
    const doc = "intro\n<!-- guards:begin -->\nold\n<!-- guards:end -->\nrest\n";
    expect(replaceSection(doc, "new")).toBe("intro\n<!-- guards:begin -->\nnew\n<!-- guards:end -->\nrest\n");
    expect(() => replaceSection("no markers", "new")).toThrow(/markers/);
  });
});
