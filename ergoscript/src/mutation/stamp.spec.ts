import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fingerprint, readStamp, writeStamp } from "./stamp.ts";

describe("The mutation stamp", () => {
  it("Should change a fingerprint when any of its files changes, appears or goes", () => {
    const dir = mkdtempSync(join(tmpdir(), "gpuc-stamp-"));
    writeFileSync(join(dir, "a.es"), "{ sigmaProp(true) }");
    const before = fingerprint(dir, ["a.es", "a.spec.ts"]);
    expect(fingerprint(dir, ["a.es", "a.spec.ts"])).toBe(before);
    writeFileSync(join(dir, "a.spec.ts"), "it()");
    const withSpec = fingerprint(dir, ["a.es", "a.spec.ts"]);
    expect(withSpec).not.toBe(before);
    writeFileSync(join(dir, "a.es"), "{ sigmaProp(false) }");
    expect(fingerprint(dir, ["a.es", "a.spec.ts"])).not.toBe(withSpec);
  });

  it("Should record one contract and keep the others' entries", () => {
    const path = join(mkdtempSync(join(tmpdir(), "gpuc-stamp-")), "verified.json");
    const entry = { fingerprint: "f1", mutants: 3, killed: 3, equivalent: 0, seconds: 9, at: "t" };
    writeStamp(path, "bank", entry);
    writeStamp(path, "config", { ...entry, fingerprint: "f2" });
    writeStamp(path, "bank", { ...entry, fingerprint: "f3" });
    expect(readStamp(path)).toEqual({
      bank: { ...entry, fingerprint: "f3" },
      config: { ...entry, fingerprint: "f2" },
    });
  });
});
