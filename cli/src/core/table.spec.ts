import { describe, expect, it } from "vitest";
import { keyValues, table } from "./table.ts";

describe("table", () => {
  it("Should pad columns to their widest cell, right-align amounts and leave no trailing blanks", () => {
    const text = table(
      [{ header: "ID" }, { header: "PRICE/H", align: "right" }, { header: "STATUS" }],
      [
        ["a1", "1.5 GPUC", "available"],
        ["b22", "12 GPUC", "rented"],
      ],
    );
    expect(text).toBe(
      ["ID    PRICE/H  STATUS", "a1   1.5 GPUC  available", "b22   12 GPUC  rented"].join("\n"),
    );
    expect(text.split("\n").every((line) => !line.endsWith(" "))).toBe(true);
  });

  it("Should count × and — as one column each", () => {
    expect(table([{ header: "GPU" }, { header: "X" }], [["1× A", "—"]])).toBe("GPU   X\n1× A  —");
  });
});

describe("keyValues", () => {
  it("Should align the values, leave out unset rows and indent continuation lines", () => {
    expect(
      keyValues([
        ["state", "Running"],
        ["expires", undefined],
        ["close reason", "line one\nline two"],
      ]),
    ).toBe("state         Running\nclose reason  line one\n              line two");
  });
});
