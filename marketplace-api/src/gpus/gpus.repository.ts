import type { Database } from "@gpuc/platform";
import { type Gpu, modelKey, type SearchQuery } from "@gpuc/sdk";

export interface GpuRow {
  id: string;
  provider_id: string;
  position: number;
  model: string;
  vram_gb: number;
  count: number;
  device_ids: string[];
  cuda_version: string;
  cpu_cores: number;
  ram_gb: number;
  disk_gb: number;
  region: string;
  price_per_hour: bigint;
  min_hours: number;
  max_hours: number;
  tflops: number;
  price_per_tflops: number;
  reliability: number;
  online: boolean;
  listed: boolean;
  rented_by: string | null;
}

const ORDER: Record<SearchQuery["sort"], string> = {
  price: "price_per_hour ASC, id ASC",
  "-price": "price_per_hour DESC, id DESC",
  reliability: "reliability DESC, id ASC",
  price_per_performance: "price_per_tflops ASC, id ASC",
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
  return { where: clauses.join(" AND "), order: ORDER[query.sort], values };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

export class GpusRepository {
  constructor(private readonly db: Database) {}

  async search(query: SearchQuery): Promise<{ rows: GpuRow[]; total: number }> {
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
    reliability: row.reliability,
    online: row.online,
    available: row.online && row.listed && row.rented_by === null,
  };
}
