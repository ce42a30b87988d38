import { UnsignedTransaction, Transaction as WasmTransaction } from "ergo-lib-wasm-nodejs";
import { z } from "zod";
import { DevnetRejectedError } from "../errors/index.ts";
import { fromCheckedJson } from "./checked-json.ts";
import { fromWireBox, parseAmountsExact, toNodeJson, type WireBox } from "./json.ts";
import type { Transaction } from "./types.ts";

const hex = z.string().regex(/^([0-9a-fA-F]{2})*$/, "expected hex bytes");
const id32 = z.string().regex(/^[0-9a-fA-F]{64}$/, "expected a 32-byte hex id");
const amount = z
  .union([
    z.string().regex(/^\d+$/, "expected a decimal integer"),
    z.number().int().nonnegative(),
    z.bigint(),
  ])
  .transform((value) => BigInt(value).toString());
// Absent (undefined) entries are allowed: Fleet types registers as optional fields.
const registers = z.record(z.string().regex(/^R[4-9]$/, "register names are R4…R9"), hex.optional());
const extension = z.record(z.string(), hex.optional());

/** A signed transaction as the node accepts it: node JSON or EIP-12, amounts as numbers or strings. */
const signedTransactionSchema = z.object({
  id: z.string().optional(),
  inputs: z
    .array(
      z.object({
        boxId: id32,
        spendingProof: z.object({ proofBytes: hex, extension: extension.default({}) }),
      }),
    )
    .min(1, "a transaction spends at least one input"),
  dataInputs: z.array(z.object({ boxId: id32 })).default([]),
  outputs: z
    .array(
      z.object({
        value: amount,
        ergoTree: hex,
        creationHeight: z.number().int().nonnegative(),
        assets: z.array(z.object({ tokenId: id32, amount })).default([]),
        additionalRegisters: registers.default({}),
      }),
    )
    .min(1, "a transaction creates at least one output"),
});

export interface ParsedTransaction {
  /** ergo-lib's transaction, for `validate_tx`. */
  readonly wasm: WasmTransaction;
  /** The same transaction in node JSON with exact amounts; `id` and box ids computed, not trusted. */
  readonly tx: Transaction;
}

/**
 * Reads a signed transaction from JSON text or parsed JSON (amounts as strings, numbers or bigints). Ids in the input
 * are ignored and recomputed from the contents, as the node does; proofs are attached to the rebuilt transaction,
 * so a tampered transaction fails on its proof, not on an id mismatch.
 */
export function parseTransaction(input: unknown): ParsedTransaction {
  const wasm = fromConsistentJson(input);
  if (wasm) return { wasm, tx: fromParsedJson(input, wasm) ?? fromWasmTransaction(wasm) };
  return rebuild(typeof input === "string" ? parseText(input) : input);
}

// The JSON ergo-lib accepted, read in JavaScript (cheaper than ergo-lib writing it back; see fromCheckedJson).
// A plain JSON.parse reads every amount up to 2^53 - 1 exactly, and fromCheckedJson refuses a number above that,
// so only a text with such a number pays for parseAmountsExact's rewrite.
function fromParsedJson(input: unknown, wasm: WasmTransaction): Transaction | undefined {
  if (typeof input !== "string") return fromCheckedJson(input, wasm);
  try {
    return fromCheckedJson(JSON.parse(input), wasm) ?? fromCheckedJson(parseAmountsExact(input), wasm);
  } catch {
    return undefined;
  }
}

// Fast path: JSON whose ids match its contents (what ergo-lib and wallets produce) parses in one ergo-lib call;
// JSON text goes to ergo-lib as it is, so no amount passes through a JS number.
function fromConsistentJson(input: unknown): WasmTransaction | undefined {
  const text = typeof input === "string" ? input : hasId(input) ? toNodeJson(input) : undefined;
  if (text === undefined || !text.includes('"id"')) return undefined;
  try {
    return WasmTransaction.from_json(text);
  } catch {
    return undefined;
  }
}

function hasId(input: unknown): boolean {
  return typeof input === "object" && input !== null && "id" in input;
}

function parseText(text: string): unknown {
  if (text.trim() === "") {
    throw new DevnetRejectedError(
      "Malformed transaction: the body is empty; send the signed transaction as JSON",
    );
  }
  try {
    return parseAmountsExact(text);
  } catch {
    throw new DevnetRejectedError("Malformed transaction: the body is not valid JSON");
  }
}

// Anything else (ids missing or stale, amounts as numbers): checked field by field, then rebuilt from its parts.
function rebuild(input: unknown): ParsedTransaction {
  const parsed = signedTransactionSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DevnetRejectedError(
      `Malformed transaction: ${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}`,
    );
  }
  const body = parsed.data;
  let wasm: WasmTransaction;
  try {
    const unsigned = UnsignedTransaction.from_json(
      JSON.stringify({
        inputs: body.inputs.map((input) => ({
          boxId: input.boxId,
          extension: input.spendingProof.extension,
        })),
        dataInputs: body.dataInputs,
        outputs: body.outputs,
      }),
    );
    const proofs = body.inputs.map((input) => Buffer.from(input.spendingProof.proofBytes, "hex"));
    wasm = WasmTransaction.from_unsigned_tx(unsigned, proofs);
  } catch (error) {
    throw new DevnetRejectedError(`Malformed transaction: ${errorText(error)}`, body.id);
  }
  return { wasm, tx: fromWasmTransaction(wasm) };
}

/** ergo-lib's transaction in node JSON with exact amounts. */
export function fromWasmTransaction(wasm: WasmTransaction): Transaction {
  const eip12 = wasm.to_js_eip12() as {
    id: string;
    inputs: Transaction["inputs"];
    dataInputs: Transaction["dataInputs"];
    outputs: WireBox[];
  };
  return {
    id: eip12.id,
    inputs: eip12.inputs.map((input) => ({
      boxId: input.boxId,
      spendingProof: { proofBytes: input.spendingProof.proofBytes, extension: input.spendingProof.extension },
    })),
    dataInputs: eip12.dataInputs.map((input) => ({ boxId: input.boxId })),
    outputs: eip12.outputs.map(fromWireBox),
    size: wasm.sigma_serialize_bytes().length,
  };
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
