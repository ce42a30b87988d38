import {
  type ErgoStateContext,
  validate_tx,
  type Transaction as WasmTransaction,
} from "ergo-lib-wasm-nodejs";
import { DevnetRejectedError } from "../errors/index.ts";
import { errorText } from "../tx/parse.ts";
import type { Box } from "../tx/types.ts";
import { wasmBoxes } from "./wasm-boxes.ts";

/**
 * Full validation by ergo-lib: ERG and token conservation, the minting rule, min box value, creation heights,
 * every input's proof (script and signature), cost. Throws DevnetRejectedError with ergo-lib's reason.
 */
export function validateTransaction(
  txId: string,
  wasm: WasmTransaction,
  inputs: readonly Box[],
  dataInputs: readonly Box[],
  context: ErgoStateContext,
): void {
  const inputBoxes = wasmBoxes(inputs);
  const dataBoxes = wasmBoxes(dataInputs);
  try {
    validate_tx(wasm, context, inputBoxes, dataBoxes);
  } catch (error) {
    throw new DevnetRejectedError(errorText(error), txId);
  } finally {
    inputBoxes.free();
    dataBoxes.free();
  }
}
