import { SByte, SColl, SInt, SLong } from "@fleet-sdk/serializer";
import { describe, expect, it } from "vitest";
import { Signer } from "../signing/signer.ts";
import { sigmaPropRegister } from "./config/sigmaProp.ts";
import { readBytes, readConstant, readSigmaProp } from "./registers.ts";

describe("Register and context-variable reader", () => {
  it("Should read each constant at its type", () => {
    expect(readConstant(SByte(3).toHex(), "SByte")).toBe(3);
    expect(readConstant(SInt(-1).toHex(), "SInt")).toBe(-1);
    expect(readConstant(SLong(2n ** 40n).toHex(), "SLong")).toBe(2n ** 40n);
    expect(readConstant(SColl(SLong, [1n, 2n]).toHex(), "SColl[SLong]")).toEqual([1n, 2n]);
    expect(readBytes(SColl(SByte, "ab".repeat(32)).toHex())).toBe("ab".repeat(32));
  });

  it("Should answer undefined for an absent, malformed, mistyped or non-canonical constant", () => {
    const id = SColl(SByte, "ab".repeat(32)).toHex();
    expect(readBytes(undefined)).toBeUndefined();
    expect(readBytes("zz")).toBeUndefined();
    expect(readBytes(SColl(SLong, [1n]).toHex())).toBeUndefined();
    expect(readConstant(SInt(1).toHex(), "SLong")).toBeUndefined();
    // Extra bytes after the constant: the node never serializes a register so.
    expect(readBytes(`${id}00`)).toBeUndefined();
    expect(readConstant(`${SInt(5).toHex()}ff`, "SInt")).toBeUndefined();
  });

  it("Should read a SigmaProp register as the ErgoTree that proves it", () => {
    const key = Signer.random();
    const register = sigmaPropRegister(key.address);
    expect(readSigmaProp(register)).toBe(`00${register}`);
    expect(readSigmaProp(SColl(SByte, register).toHex())).toBeUndefined();
    expect(readSigmaProp(undefined)).toBeUndefined();
  });
});
