import type { Transaction as WasmTransaction } from "ergo-lib-wasm-nodejs";
import type { Asset, Box, Input, Transaction } from "./types.ts";

const HEX = /^(?:[0-9a-f]{2})*$/;
const ID = /^[0-9a-f]{64}$/;
const DIGITS = /^\d+$/;
const REGISTER = /^R[4-9]$/;
// Context extension keys are bytes; ergo-lib writes them in decimal without leading zeros.
const EXTENSION_KEY = /^(?:0|[1-9]\d{0,2})$/;

type Json = Record<string, unknown>;

/**
 * The transaction read from the JSON ergo-lib has just parsed into `wasm`, or undefined when the JSON does not
 * carry everything needed in canonical form (then ask ergo-lib to write it: `fromWasmTransaction`).
 *
 * Why this is safe: `Transaction.from_json` refuses a transaction id or a box id that differs from the one it
 * computes from the contents, so when the JSON has its id and every output its box id, the JSON's contents are
 * ergo-lib's. What ergo-lib would still change is the spelling: hex case and absent defaults, checked here.
 * Why: ergo-lib writing the transaction back (`to_js_eip12` and a serialisation for its size) cost about a tenth
 * of a submission; this is a walk over already-parsed JSON. The size is computed when first read.
 */
export function fromCheckedJson(json: unknown, wasm: WasmTransaction): Transaction | undefined {
  if (!isObject(json) || !isId(json.id) || !Array.isArray(json.inputs) || !Array.isArray(json.outputs))
    return undefined;
  const id = json.id;
  const inputs = mapAll(json.inputs, input);
  const listed = json.dataInputs ?? [];
  const dataInputs = Array.isArray(listed) ? mapAll(listed, dataInput) : undefined;
  const outputs = mapAll(json.outputs, (value, index) => output(value, id, index));
  if (!inputs || !dataInputs || !outputs) return undefined;
  let size: number | undefined;
  return {
    id,
    inputs,
    dataInputs,
    outputs,
    get size() {
      size ??= wasm.sigma_serialize_bytes().length;
      return size;
    },
  };
}

function input(value: unknown): Input | undefined {
  if (!isObject(value) || !isId(value.boxId) || !isObject(value.spendingProof)) return undefined;
  const { proofBytes, extension = {} } = value.spendingProof;
  if (!isHex(proofBytes) || !isHexRecord(extension, (key) => EXTENSION_KEY.test(key))) return undefined;
  return { boxId: value.boxId, spendingProof: { proofBytes, extension: { ...extension } } };
}

function dataInput(value: unknown): { boxId: string } | undefined {
  return isObject(value) && isId(value.boxId) ? { boxId: value.boxId } : undefined;
}

function output(value: unknown, transactionId: string, index: number): Box | undefined {
  if (!isObject(value) || !isId(value.boxId) || !isHex(value.ergoTree)) return undefined;
  const { assets = [], additionalRegisters = {}, creationHeight } = value;
  const amount = exact(value.value);
  const tokens = Array.isArray(assets) ? mapAll(assets, asset) : undefined;
  if (amount === undefined || !tokens || typeof creationHeight !== "number") return undefined;
  if (!isHexRecord(additionalRegisters, (name) => REGISTER.test(name))) return undefined;
  return {
    boxId: value.boxId,
    value: amount,
    ergoTree: value.ergoTree,
    assets: tokens,
    creationHeight,
    // Copies: a caller's object (in-process submit) may change after it was accepted.
    additionalRegisters: { ...additionalRegisters },
    transactionId,
    index,
  };
}

function asset(value: unknown): Asset | undefined {
  if (!isObject(value) || !isId(value.tokenId)) return undefined;
  const amount = exact(value.amount);
  return amount === undefined ? undefined : { tokenId: value.tokenId, amount };
}

/** An amount as ergo-lib read it: a decimal string (what `parseAmountsExact` makes of numbers), or a bigint. */
function exact(value: unknown): bigint | undefined {
  if (typeof value === "bigint") return value;
  if (typeof value === "string" && DIGITS.test(value)) return BigInt(value);
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  return undefined;
}

function mapAll<T>(
  list: readonly unknown[],
  read: (value: unknown, index: number) => T | undefined,
): T[] | undefined {
  const out: T[] = [];
  for (let i = 0; i < list.length; i++) {
    const item = read(list[i], i);
    if (item === undefined) return undefined;
    out.push(item);
  }
  return out;
}

function isHexRecord(value: unknown, keyOk: (key: string) => boolean): value is Record<string, string> {
  if (!isObject(value)) return false;
  for (const key in value) if (!keyOk(key) || !isHex(value[key])) return false;
  return true;
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isId(value: unknown): value is string {
  return typeof value === "string" && ID.test(value);
}

function isHex(value: unknown): value is string {
  return typeof value === "string" && HEX.test(value);
}
