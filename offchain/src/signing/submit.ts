import type { UnsignedTransaction } from "@nautilus-js/eip12-types";
import type { ChainClient } from "../chain/chainClient.ts";
import { type WaitOptions, waitForConfirmations } from "../chain/confirm.ts";
import type { SignedTransaction } from "../chain/types.ts";
import type { Signer } from "./signer.ts";

export interface SubmitOptions extends WaitOptions {
  /** Confirmations to wait for after submitting (default 0: return once the mempool accepted it). */
  confirmations?: number;
}

/**
 * Build → sign → submit → (optionally) await confirmations, in one call.
 *
 * @example
 * const { txId } = await signAndSubmit(chain, signer, unsignedTx, { confirmations: 1 });
 */
export async function signAndSubmit(
  chain: ChainClient,
  signer: Signer,
  tx: UnsignedTransaction,
  options: SubmitOptions = {},
): Promise<{ txId: string; signed: SignedTransaction; height?: number }> {
  const signed = await signer.sign(tx, chain);
  const txId = await chain.submit(signed);
  if (!options.confirmations) return { txId, signed };
  const height = await waitForConfirmations(chain, txId, options.confirmations, options);
  return { txId, signed, height };
}
