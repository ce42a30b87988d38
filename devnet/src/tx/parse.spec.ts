import type { Box as EIP12Box } from "@fleet-sdk/common";
import { OutputBuilder, RECOMMENDED_MIN_FEE_VALUE, TransactionBuilder } from "@fleet-sdk/core";
import {
  BoxValue,
  Contract,
  ErgoBox,
  I64,
  SecretKey,
  Tokens,
  TxId,
  UnsignedTransaction,
  Transaction as WasmTransaction,
} from "ergo-lib-wasm-nodejs";
import { describe, expect, it } from "vitest";
import { fromWasmTransaction, parseTransaction } from "./parse.ts";

// Proofs are not checked by parsing, so a transaction with made-up proof bytes is enough here; validation specs
// (devnet.spec.ts) sign for real.
const owner = SecretKey.random_dlog().get_address();
const ownerTree = owner.to_ergo_tree().to_base16_bytes();

function box(nanoErgs: string, txIdByte: string) {
  const made = new ErgoBox(
    BoxValue.from_i64(I64.from_str(nanoErgs)),
    5,
    Contract.pay_to_address(owner),
    TxId.from_str(txIdByte.repeat(32)),
    0,
    new Tokens(),
  );
  return made.to_js_eip12() as EIP12Box;
}
const input = box("20000000000000000", "b2");
const dataInput = box("1000000000", "c3");

/** A transaction that mints a token above 2^53 into a box with registers, reads a data input, has an extension. */
function richTransaction(): WasmTransaction {
  const unsigned = new TransactionBuilder(100)
    .from([input])
    .withDataFrom([dataInput])
    .to(
      // Minting writes the EIP-4 registers R4–R6.
      new OutputBuilder(1_000_000_000n, ownerTree).mintToken({
        amount: 18_000_000_000_000_000n,
        name: "Big",
        decimals: 2,
      }),
    )
    .payFee(RECOMMENDED_MIN_FEE_VALUE)
    .sendChangeTo(ownerTree)
    .build()
    .toEIP12Object();
  const json = {
    ...unsigned,
    inputs: unsigned.inputs.map((box) => ({ boxId: box.boxId, extension: { "0": "0402" } })),
  };
  const proof = Uint8Array.from({ length: 56 }, (_, i) => i + 1);
  return WasmTransaction.from_unsigned_tx(UnsignedTransaction.from_json(JSON.stringify(json)), [proof]);
}

describe("parseTransaction", () => {
  const wasm = richTransaction();
  const expected = fromWasmTransaction(wasm);
  const text = JSON.stringify(wasm.to_js_eip12());

  it("Should read consistent JSON text as ergo-lib writes it: ids, exact amounts, registers, extension, size", () => {
    const parsed = parseTransaction(text);
    // Read from the JSON (fromCheckedJson: its size is computed on first read), not written back by ergo-lib.
    expect(Object.getOwnPropertyDescriptor(parsed.tx, "size")?.get).toBeDefined();
    expect({ ...parsed.tx }).toEqual({ ...expected });
    expect(parsed.tx.outputs[0]?.assets[0]?.amount).toBe(18_000_000_000_000_000n);
    expect(parsed.tx.size).toBe(wasm.sigma_serialize_bytes().length);
    expect(parsed.wasm.id().to_str()).toBe(expected.id);
    expect(Object.keys(parsed.tx.outputs[0]?.additionalRegisters ?? {}).sort()).toEqual(["R4", "R5", "R6"]);
    expect(parsed.tx.dataInputs).toEqual([{ boxId: dataInput.boxId }]);
  });

  it("Should read the same transaction as an object and as text with numbers for amounts", () => {
    expect({ ...parseTransaction(wasm.to_js_eip12()).tx }).toEqual({ ...expected });
    const numbers = text.replace(/"(value|amount)":"(\d+)"/g, '"$1":$2');
    expect(numbers).not.toBe(text);
    expect({ ...parseTransaction(numbers).tx }).toEqual({ ...expected });
  });

  it("Should write hex in lower case whatever the client sent", () => {
    const upper = text.replace(/"([0-9a-f]{8,})"/g, (_match, hex: string) => `"${hex.toUpperCase()}"`);
    expect(upper).not.toBe(text);
    expect({ ...parseTransaction(upper).tx }).toEqual({ ...expected });
  });

  it("Should recompute ids a client left out", () => {
    const json = wasm.to_js_eip12() as { id?: string; outputs: { boxId?: string }[] };
    delete json.id;
    for (const output of json.outputs) delete output.boxId;
    expect({ ...parseTransaction(JSON.stringify(json)).tx }).toEqual({ ...expected });
  });
});
