import { describe, expect, it } from "vitest";
import { parseEnv, parsePorts } from "./rental-form.ts";

describe("the rent form's parsers", () => {
  it("reads NAME=value lines, skipping blanks and comments, keeping = in values", () => {
    expect(parseEnv("A=1\n\n# note\nB=x=y\n")).toEqual({ A: "1", B: "x=y" });
  });

  it("names the line that is not NAME=value", () => {
    expect(() => parseEnv("A=1\noops")).toThrow('Environment line 2 must read NAME=value, not "oops"');
  });

  it("reads ports separated by commas or spaces and refuses what is no port", () => {
    expect(parsePorts("8888, 6006 22")).toEqual([8888, 6006, 22]);
    expect(() => parsePorts("80, 70000")).toThrow('"70000" is no port');
  });
});
