import { createLogger, type Database, type Logger } from "@gpuc/platform";
import { type Gpu, modelKey, type SearchQuery, type VerificationState } from "@gpuc/sdk";
import type { GpuRow } from "./gpu-row.ts";
import { OfferIndex, OfferIndexBehindError } from "./offer-index.ts";

export type { GpuRow } from "./gpu-row.ts";

const ORDER: Record<SearchQuery["sort"], string> = {
  price: "price_per_hour ASC, id ASC",
  "-price": "price_per_hour DESC, id DESC",
  reliability: "reliability DESC, id ASC",
  price_per_performance: "price_per_tflops ASC, id ASC",
  // Offers not measured yet go last: a datasheet figure is not a measurement.
  price_per_measured_tflops: "price_per_measured_tflops ASC NULLS LAST, id ASC",
};

/**
 * The search as SQL: one statement over `gpus` (provider state is denormalised into it), filters as bound
 * parameters, the sort from a fixed table. Exported for the benchmark, which runs it through bare `pg`.
 */
export function searchSql(query: SearchQuery): { where: string; order: string; values: unknown[] } {
  const clauses = ["listed"];
  const values: unknown[] = [];
  const bind = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  if (query.gpu_name) clauses.push(`model_key LIKE ${bind(`%${escapeLike(modelKey(query.gpu_name))}%`)}`);
  if (query.min_vram !== undefined) clauses.push(`vram_gb >= ${bind(query.min_vram)}`);
  if (query.num_gpus !== undefined) clauses.push(`count >= ${bind(query.num_gpus)}`);
  if (query.max_price !== undefined) clauses.push(`price_per_hour <= ${bind(BigInt(query.max_price))}`);
  if (query.region) clauses.push(`region = ${bind(query.region)}`);
  if (query.min_reliability !== undefined) clauses.push(`reliability >= ${bind(query.min_reliability)}`);
  if (query.available) clauses.push("online AND rented_by IS NULL");
  // An offer that fell short of its model or failed its challenge is hidden unless asked for.
  if (!query.include_unverified) clauses.push("verification IN ('pending', 'verified')");
  return { where: clauses.join(" AND "), order: ORDER[query.sort], values };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** A challenge's verdict on one offer, and what its benchmark measured (absent when nothing was). */
export interface Verdict {
  state: VerificationState;
  measured?: { tflops: number; memoryBandwidthGBs: number };
}

export class GpusRepository {
  readonly #index: OfferIndex | undefined;
  readonly #log: Logger;

  /** `options.index`: answer searches from the in-memory offer index (SEARCH_INDEX), else from SQL. */
  constructor(
    private readonly db: Database,
    log: Logger = createLogger("marketplace-api"),
    options: { readonly index?: boolean } = {},
  ) {
    this.#log = log;
    this.#index = options.index ? new OfferIndex(db, log) : undefined;
  }

  /**
   * The search, answered from the in-memory offer index (kept current from the database's notifications); by the
   * database itself while the index cannot show it is current (its LISTEN connection is down).
   */
  async search(query: SearchQuery): Promise<{ rows: GpuRow[]; total: number }> {
    if (!this.#index) return this.searchInDatabase(query);
    try {
      return await this.#index.search(query);
    } catch (error) {
      if (!(error instanceof OfferIndexBehindError)) throw error;
      this.#log.warn("OFFER_INDEX_BEHIND", { error: error.message });
      return this.searchInDatabase(query);
    }
  }

  /** The same search as two SQL statements: what the index must agree with (its spec), and the benchmark's baseline. */
  async searchInDatabase(query: SearchQuery): Promise<{ rows: GpuRow[]; total: number }> {
    const { where, order, values } = searchSql(query);
    const offset = (query.page - 1) * query.limit;
    const [rows, count] = await Promise.all([
      this.db.query<GpuRow>(
        `SELECT * FROM gpus WHERE ${where} ORDER BY ${order} LIMIT ${query.limit} OFFSET ${offset}`,
        values,
      ),
      this.db.query<{ total: bigint }>(`SELECT COUNT(*) AS total FROM gpus WHERE ${where}`, values),
    ]);
    return { rows, total: Number(count[0]?.total ?? 0n) };
  }

  async find(id: string): Promise<GpuRow | undefined> {
    return (await this.db.query<GpuRow>("SELECT * FROM gpus WHERE id = $1", [id]))[0];
  }

  /** The offers with these ids, by id, in one query (for a list of rentals, not one query per rental). */
  async findMany(ids: readonly string[]): Promise<Map<string, GpuRow>> {
    const rows = await this.db.query<GpuRow>("SELECT * FROM gpus WHERE id = ANY($1)", [[...new Set(ids)]]);
    return new Map(rows.map((row) => [row.id, row]));
  }

  /** Reserves an offer for a rental; false when it is taken, unlisted or offline. */
  async reserve(id: string, instanceId: string): Promise<boolean> {
    const rows = await this.db.query(
      "UPDATE gpus SET rented_by = $2 WHERE id = $1 AND rented_by IS NULL AND listed AND online RETURNING id",
      [id, instanceId],
    );
    return rows.length === 1;
  }

  /**
   * Records a challenge's verdict on an offer. What the benchmark measured is kept unless the answer failed (then
   * nothing it reported is trusted); the measured price is per hour per measured TFLOPS of the whole offer.
   */
  async setVerification(id: string, verdict: Verdict, at: Date): Promise<void> {
    const measured = verdict.state === "failed" ? undefined : verdict.measured;
    await this.db.query(
      `UPDATE gpus SET verification = $2, measured_tflops = $3, measured_bandwidth_gbs = $4,
              price_per_measured_tflops = price_per_hour / NULLIF($3::double precision, 0), verified_at = $5
        WHERE id = $1`,
      [id, verdict.state, measured?.tflops ?? null, measured?.memoryBandwidthGBs ?? null, at],
    );
  }

  async release(id: string, instanceId: string): Promise<void> {
    await this.db.query("UPDATE gpus SET rented_by = NULL WHERE id = $1 AND rented_by = $2", [
      id,
      instanceId,
    ]);
  }
}

export function toGpu(row: GpuRow): Gpu {
  return {
    id: row.id,
    providerId: row.provider_id,
    model: row.model,
    vramGb: row.vram_gb,
    count: row.count,
    cudaVersion: row.cuda_version,
    cpuCores: row.cpu_cores,
    ramGb: row.ram_gb,
    diskGb: row.disk_gb,
    region: row.region,
    pricePerHour: row.price_per_hour.toString(),
    minHours: row.min_hours,
    maxHours: row.max_hours,
    tflops: row.tflops,
    pricePerTflops: row.price_per_tflops,
    verification: row.verification,
    measuredTflops: row.measured_tflops,
    measuredBandwidthGbs: row.measured_bandwidth_gbs,
    pricePerMeasuredTflops: row.price_per_measured_tflops,
    reliability: row.reliability,
    online: row.online,
    available: row.online && row.listed && row.rented_by === null,
  };
}
