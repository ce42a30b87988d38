import type { AgentDeps } from "./deps.ts";
import { permanentRefusal } from "./event-refusal.ts";

/**
 * Pushes the receipt batches the marketplace has not acknowledged, oldest first. A transient failure stops the
 * flush and the next tick tries again from the same batch (the outbox lives in the ledger, so a restart does too);
 * a permanent refusal (a 4xx the marketplace would answer again, e.g. 409 for another body under a known tx id)
 * is logged and kept with its reason rather than holding every later batch back.
 */
export async function flushReceiptBatches({
  ledger,
  marketplace,
  log,
}: Pick<AgentDeps, "ledger" | "marketplace" | "log">): Promise<void> {
  for (const { txId, batch } of await ledger.receipts.unsentBatches()) {
    try {
      await marketplace.putReceiptBatch(batch);
      await ledger.receipts.markBatchSent(txId);
    } catch (error) {
      const refusal = permanentRefusal(error);
      if (!refusal) throw error;
      log.error("RECEIPT_BATCH_REFUSED", { txId, status: refusal.status, detail: refusal.detail });
      await ledger.receipts.markBatchSent(txId, `${refusal.status}: ${refusal.detail}`);
    }
  }
}
