import type { Database } from "@gpuc/platform";
import {
  canonicalJson,
  type ReceiptBatch,
  receiptBatchSchema,
  type SignedReceipt,
  signedReceiptSchema,
} from "@gpuc/sdk";

/** What Docker says the container ran and how it ended: the receipt's image digest and exit code. */
export interface RunFacts {
  readonly imageDigest: string | null;
  readonly exitCode: number | null;
}

/** One reading of a rental's pinned GPUs: mean utilisation across them, memory used summed over them. */
export interface GpuSample {
  readonly utilizationPct: number;
  readonly memoryMiB: number;
  readonly gpus: readonly { readonly uuid: string; readonly model: string }[];
}

/** A period's GPU readings, summed (mean = sum / samples). */
export interface PeriodUsage {
  readonly samples: number;
  readonly utilSum: number;
  readonly utilMax: number;
  readonly memSum: number;
  readonly memMax: number;
  readonly gpus: readonly { readonly uuid: string; readonly model: string }[];
}

/** A batch still owed to the marketplace. */
export interface UnsentBatch {
  readonly txId: string;
  readonly batch: ReceiptBatch;
}

/**
 * The ledger's usage-receipt tables (migration 003): run facts, GPU readings per period, issued receipts (signed
 * once, kept byte for byte) and the batch outbox. Joins the caller's `db.transaction`.
 */
export class ReceiptStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  async recordRun(instanceId: string, facts: RunFacts): Promise<void> {
    await this.#db.query(
      `UPDATE executor_rentals SET image_digest = COALESCE($2, image_digest), exit_code = $3
       WHERE instance_id = $1`,
      [instanceId, facts.imageDigest, facts.exitCode],
    );
  }

  async runFacts(instanceId: string): Promise<RunFacts> {
    const [row] = await this.#db.query<{ image_digest: string | null; exit_code: number | null }>(
      "SELECT image_digest, exit_code FROM executor_rentals WHERE instance_id = $1",
      [instanceId],
    );
    return { imageDigest: row?.image_digest ?? null, exitCode: row?.exit_code ?? null };
  }

  async addSample(instanceId: string, period: number, sample: GpuSample): Promise<void> {
    await this.#db.query(
      `INSERT INTO executor_usage (instance_id, period, samples, util_sum, util_max, mem_sum, mem_max, gpus)
       VALUES ($1, $2, 1, $3, $3, $4, $4, $5)
       ON CONFLICT (instance_id, period) DO UPDATE SET samples = executor_usage.samples + 1,
         util_sum = executor_usage.util_sum + $3, util_max = GREATEST(executor_usage.util_max, $3),
         mem_sum = executor_usage.mem_sum + $4, mem_max = GREATEST(executor_usage.mem_max, $4), gpus = $5`,
      [instanceId, period, sample.utilizationPct, sample.memoryMiB, JSON.stringify(sample.gpus)],
    );
  }

  async usage(instanceId: string, period: number): Promise<PeriodUsage | undefined> {
    const [row] = await this.#db.query<{
      samples: number;
      util_sum: number;
      util_max: number;
      mem_sum: number;
      mem_max: number;
      gpus: PeriodUsage["gpus"];
    }>("SELECT * FROM executor_usage WHERE instance_id = $1 AND period = $2", [instanceId, period]);
    if (!row) return undefined;
    return {
      samples: row.samples,
      utilSum: row.util_sum,
      utilMax: row.util_max,
      memSum: row.mem_sum,
      memMax: row.mem_max,
      gpus: row.gpus,
    };
  }

  /** The receipts already issued for periods `from..to` of a rental, by period. */
  async issued(instanceId: string, from: number, to: number): Promise<Map<number, SignedReceipt>> {
    const rows = await this.#db.query<{ period: number; body: string }>(
      "SELECT period, body FROM executor_receipts WHERE instance_id = $1 AND period BETWEEN $2 AND $3",
      [instanceId, from, to],
    );
    return new Map(rows.map((row) => [row.period, signedReceiptSchema.parse(JSON.parse(row.body))]));
  }

  /** Keeps a newly signed receipt; a period that already has one keeps the first (returned). */
  async keep(signed: SignedReceipt): Promise<SignedReceipt> {
    const { instanceId, period } = signed.receipt;
    await this.#db.query(
      `INSERT INTO executor_receipts (instance_id, period, body) VALUES ($1, $2, $3)
       ON CONFLICT (instance_id, period) DO NOTHING`,
      [instanceId, period, canonicalJson(signed)],
    );
    const kept = (await this.issued(instanceId, period, period)).get(period);
    return kept ?? signed;
  }

  /** Queues the batch a settlement transaction proves; the same tx id twice is kept once. */
  async recordBatch(batch: ReceiptBatch): Promise<void> {
    const instances = [...new Set(batch.receipts.map((signed) => signed.receipt.instanceId))];
    await this.#db.query(
      `INSERT INTO executor_receipt_batches (tx_id, root, instance_ids, body) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tx_id) DO NOTHING`,
      [batch.txId, batch.root, instances, canonicalJson(batch)],
    );
  }

  async unsentBatches(limit = 20): Promise<UnsentBatch[]> {
    const rows = await this.#db.query<{ tx_id: string; body: string }>(
      "SELECT tx_id, body FROM executor_receipt_batches WHERE sent_at IS NULL ORDER BY created_at LIMIT $1",
      [limit],
    );
    return rows.map((row) => ({ txId: row.tx_id, batch: readBatch(row.body) }));
  }

  /** Marks a batch delivered, or refused for good with the marketplace's reason. */
  async markBatchSent(txId: string, refused?: string): Promise<void> {
    await this.#db.query(
      "UPDATE executor_receipt_batches SET sent_at = now(), refused = $2 WHERE tx_id = $1",
      [txId, refused ?? null],
    );
  }

  /** Every batch holding a receipt of the rental, oldest first. */
  async batchesOf(instanceId: string): Promise<ReceiptBatch[]> {
    const rows = await this.#db.query<{ body: string }>(
      "SELECT body FROM executor_receipt_batches WHERE $1 = ANY(instance_ids) ORDER BY created_at",
      [instanceId],
    );
    return rows.map((row) => readBatch(row.body));
  }
}

function readBatch(body: string): ReceiptBatch {
  return receiptBatchSchema.parse(JSON.parse(body));
}
