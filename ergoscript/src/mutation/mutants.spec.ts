import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readEquivalents } from "./equivalents.ts";
import { applyMutant, mutantsOf } from "./mutants.ts";

const SOURCE = `{
  val out = OUTPUTS(0)
  val kept = out.value >= SELF.value && out.tokens == SELF.tokens
  val late = if (HEIGHT > deadline) HEIGHT - deadline else 0
  sigmaProp(kept && late < 10) && (owner || (arbiter && sigmaProp(out.R4[Long].get <= 5L)))
}`;

const mutants = mutantsOf(SOURCE);
const described = mutants.map((mutant) => `${mutant.line} ${mutant.operator} ${mutant.guard}`);

describe("mutantsOf", () => {
  it("Should make one mutant per conjunct and disjunct of every chain, each replaced by true", () => {
    expect(described).toEqual(
      expect.arrayContaining([
        "3 guard-true out.value >= SELF.value",
        "3 guard-true out.tokens == SELF.tokens",
        "5 guard-true kept",
        "5 guard-true late < 10",
        "5 guard-true owner",
        "5 guard-true arbiter",
      ]),
    );
    const owner = mutants.find((mutant) => mutant.guard === "owner")!;
    expect(owner.replacements).toEqual(["true", "sigmaProp(true)"]);
  });

  it("Should weaken every ordering comparison by one step, and force every if condition both ways", () => {
    const comparisons = mutants.filter((mutant) => mutant.operator === "comparison");
    expect(comparisons.map((mutant) => `${mutant.guard}→${mutant.replacements[0]}`)).toEqual([
      ">=→>",
      ">→>=",
      "<→<=",
      "<=→<",
    ]);
    const ifs = mutants.filter((mutant) => mutant.operator.startsWith("if-"));
    expect(ifs.map((mutant) => `${mutant.guard}→${mutant.replacements[0]}`)).toEqual([
      "HEIGHT > deadline→true",
      "HEIGHT > deadline→false",
    ]);
  });

  it("Should count a sigmaProp argument that is also a whole conjunct once", () => {
    const keys = mutants.map(
      (mutant) => `${mutant.span.start}:${mutant.span.end}:${mutant.replacements.join()}`,
    );
    expect(new Set(keys).size).toBe(keys.length);
    expect(mutants.filter((mutant) => mutant.guard === "out.R4[Long].get <= 5L")).toHaveLength(1);
  });

  it("Should change exactly the guard's text and nothing else", () => {
    const kept = mutants.find((mutant) => mutant.guard === "out.tokens == SELF.tokens")!;
    const mutated = applyMutant(SOURCE, kept, "true");
    expect(mutated).toBe(SOURCE.replace("out.tokens == SELF.tokens", "true"));
    const strict = mutants.find((mutant) => mutant.guard === "<=")!;
    expect(applyMutant(SOURCE, strict, "<")).toContain("out.R4[Long].get < 5L");
  });

  it("Should find a mutant in every shipped contract's guards", () => {
    const dir = join(import.meta.dirname, "../../contracts");
    for (const name of ["bank", "config", "creditAccount", "providerStake", "rentalEscrow"]) {
      expect(mutantsOf(readFileSync(join(dir, `${name}.es`), "utf8")).length).toBeGreaterThan(20);
    }
  });
});

describe("readEquivalents", () => {
  const file = (content: unknown) => {
    const path = join(mkdtempSync(join(tmpdir(), "gpuc-equivalents-")), "x.equivalents.json");
    writeFileSync(path, JSON.stringify(content));
    return path;
  };

  it("Should refuse an entry without a reason worth reading", () => {
    const path = file([{ lineText: "a > 0 &&", guard: ">", mutant: ">=", why: "same" }]);
    expect(() => readEquivalents(path)).toThrow(/say why no transaction can tell/);
  });

  it("Should read none when the contract has no equivalents file", () => {
    expect(readEquivalents("/nonexistent/x.equivalents.json")).toEqual([]);
  });
});
