import type { ChainClient } from "./chainClient.ts";
import { ConfirmationTimeoutError } from "./errors.ts";

export interface WaitOptions {
  /** Give up after this long (default 10 minutes: five mainnet blocks). */
  timeoutMs?: number;
  pollMs?: number;
  /** Called whenever the confirmation count changes, for progress output. */
  onProgress?: (confirmations: number, wanted: number) => void;
  signal?: AbortSignal;
}

/**
 * Waits until a transaction has `confirmations` confirmations and returns the height it was included at.
 *
 * @example
 * const height = await waitForConfirmations(chain, txId, 1, { onProgress: (n, of) => log(`${n}/${of}`) });
 */
export async function waitForConfirmations(
  chain: ChainClient,
  txId: string,
  confirmations = 1,
  options: WaitOptions = {},
): Promise<number> {
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 600_000;
  let seen = -1;
  for (;;) {
    const tx = await chain.transaction(txId);
    const count = tx?.numConfirmations ?? 0;
    if (count !== seen) {
      seen = count;
      options.onProgress?.(count, confirmations);
    }
    if (tx && count >= confirmations) return tx.inclusionHeight;
    const waited = Date.now() - started;
    if (waited >= timeoutMs) throw new ConfirmationTimeoutError(txId, count, confirmations, waited);
    options.signal?.throwIfAborted();
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
  }
}
