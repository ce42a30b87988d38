import type { EIP12UnsignedTransaction } from "@fleet-sdk/common";
import type { ChainClient } from "../../chain/chainClient.ts";
import { ChainRejectedError } from "../../chain/errors.ts";
import { signRegardless } from "./tamper.ts";

/** Why the chain refused a transaction: the index of the input whose script failed, and the reason. */
export interface Rejection {
  readonly failedInput: number | undefined;
  readonly reason: string;
}

/**
 * Proves what `secretsHex` can prove, submits, and returns the chain's rejection (throws when it was accepted).
 * ergo-lib checks inputs in order, so `failedInput` is the first input whose script said no.
 */
export async function submitExpectingRejection(
  chain: Pick<ChainClient, "lastHeaders" | "submit">,
  tx: EIP12UnsignedTransaction,
  secretsHex: readonly string[],
): Promise<Rejection> {
  const signed = await signRegardless(tx, secretsHex, chain);
  try {
    await chain.submit(signed);
  } catch (error) {
    if (!(error instanceof ChainRejectedError)) throw error;
    // "Input 1 reduced to false…", or "Verifier error on input 1: EvalError…" when the script failed outright.
    const match = /Input (\d+) reduced to false|error on input (\d+)/i.exec(error.reason);
    return {
      failedInput: match ? Number(match[1] ?? match[2]) : undefined,
      reason: error.reason.slice(0, 300),
    };
  }
  throw new Error("The chain accepted a transaction that was expected to be rejected");
}
