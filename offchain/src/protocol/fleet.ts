import { InsufficientInputs } from "@fleet-sdk/core";
import { InsufficientFundsError } from "./errors/insufficientFunds.ts";

/**
 * Runs a Fleet transaction build and translates Fleet's errors into GPUC's typed ones, by class: the wallet boxes
 * not covering what the transaction needs (`InsufficientInputs`) becomes `InsufficientFundsError` with what is
 * missing. Every builder of this package builds through it, so callers never match Fleet errors by name.
 *
 * @example
 * const tx = translateFleetErrors(() => new TransactionBuilder(height).from(inputs).to(outputs).build());
 */
export function translateFleetErrors<T>(build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (!(error instanceof InsufficientInputs)) throw error;
    const missing: Record<string, bigint> = {};
    if (error.unreached.nanoErgs) missing.nanoErgs = error.unreached.nanoErgs;
    for (const token of error.unreached.tokens ?? []) missing[token.tokenId] = token.amount ?? 0n;
    throw new InsufficientFundsError(missing, { cause: error });
  }
}
