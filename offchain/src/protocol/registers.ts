import { hex } from "@fleet-sdk/crypto";
import { decode } from "@fleet-sdk/serializer";
import { sigmaPropTree } from "./config/sigmaProp.ts";

// The one place protocol boxes' registers and context variables are read: with @fleet-sdk/serializer, checked for
// their type. Chain data is untrusted, so every reader answers undefined instead of throwing; each box's decoder
// turns that into its own typed error.

/** What each register or context-variable type the protocol uses decodes to, by Fleet's name of the type. */
export interface ConstantValues {
  SByte: number;
  SInt: number;
  SLong: bigint;
  "SColl[SByte]": Uint8Array;
  "SColl[SLong]": bigint[];
  "SColl[(SColl[SByte], SLong)]": [Uint8Array, bigint][];
}
export type ConstantType = keyof ConstantValues;

/**
 * The value of a serialized constant (a register or a context variable, hex) when it is exactly one constant of
 * `type`: undefined when absent, malformed, of another type, or followed by bytes that belong to no constant (the
 * node serializes every constant canonically, so a non-canonical encoding is not chain data).
 *
 * @example
 * readConstant(box.additionalRegisters.R6, "SColl[SLong]"); // [price, start, prepaid, paid]
 */
export function readConstant<T extends ConstantType>(
  value: string | undefined,
  type: T,
): ConstantValues[T] | undefined {
  const constant = decode<ConstantValues[T]>(value);
  if (value === undefined || constant?.type.toString() !== type) return undefined;
  return canonical(constant.toHex.bind(constant), value) ? constant.data : undefined;
}

/** A `Coll[Byte]` constant as hex, or undefined. */
export function readBytes(value: string | undefined): string | undefined {
  const bytes = readConstant(value, "SColl[SByte]");
  return bytes && hex.encode(bytes);
}

/**
 * The ErgoTree that proves a `SigmaProp` register (its `propBytes`: the same bytes behind a v0 header), or
 * undefined when the register is not a SigmaProp.
 */
export function readSigmaProp(value: string | undefined): string | undefined {
  if (value === undefined || decode(value)?.type.toString() !== "SSigmaProp") return undefined;
  return sigmaPropTree(value.toLowerCase());
}

function canonical(toHex: () => string, value: string): boolean {
  try {
    return toHex() === value.toLowerCase();
  } catch {
    return false;
  }
}
