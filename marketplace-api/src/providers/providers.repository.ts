import type { Database } from "@gpuc/platform";
import { type Listing, modelKey } from "@gpuc/sdk";
import { tflopsOf } from "../gpus/performance.ts";

export interface ProviderRow {
  id: string;
  owner_address: string;
  name: string;
  region: string;
  stake_box_id: string;
  /** The stake box the provider named itself; `stake_box_id` is where its lineage has been followed to. */
  stake_root_box_id: string | null;
  stake_nanoerg: bigint;
  stake_bonded: boolean;
  stake_listing_hash: string;
  listing_hash: string | null;
  created_at: Date;
  last_heartbeat_at: Date | null;
  online: boolean;
  reliability: number;
  /** Where the executor said it listens, from its latest heartbeat. */
  executor_url: string | null;
}

export interface StakeState {
  stakeBoxId: string;
  stakeNanoErg: bigint;
  bonded: boolean;
  stakeListingHash: string;
}

/**
 * A relisted offer keeps its benchmark verdict only while it names the same model and devices (a price change keeps
 * it, re-priced); other devices must be measured again, so they start `pending`. SET expressions read the old row.
 */
const SAME_DEVICES =
  "(gpus.model, gpus.count, gpus.device_ids) IS NOT DISTINCT FROM (EXCLUDED.model, EXCLUDED.count, EXCLUDED.device_ids)";
const KEEP_MEASUREMENT_UNLESS_DEVICES_CHANGED = `
  verification = CASE WHEN ${SAME_DEVICES} THEN gpus.verification ELSE 'pending' END,
  measured_tflops = CASE WHEN ${SAME_DEVICES} THEN gpus.measured_tflops END,
  measured_bandwidth_gbs = CASE WHEN ${SAME_DEVICES} THEN gpus.measured_bandwidth_gbs END,
  price_per_measured_tflops = CASE WHEN ${SAME_DEVICES}
    THEN EXCLUDED.price_per_hour / NULLIF(gpus.measured_tflops, 0) END`;

export class ProvidersRepository {
  constructor(private readonly db: Database) {}

  async insert(
    row: { id: string; ownerAddress: string; name: string; region: string; createdAt: Date },
    stake: StakeState,
  ) {
    await this.db.query(
      `INSERT INTO providers (id, owner_address, name, region, stake_box_id, stake_nanoerg, stake_bonded,
                              stake_listing_hash, created_at, stake_root_box_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $5)`,
      [
        row.id,
        row.ownerAddress,
        row.name,
        row.region,
        stake.stakeBoxId,
        stake.stakeNanoErg,
        stake.bonded,
        stake.stakeListingHash,
        row.createdAt,
      ],
    );
  }

  async find(id: string): Promise<ProviderRow | undefined> {
    return (await this.db.query<ProviderRow>("SELECT * FROM providers WHERE id = $1", [id]))[0];
  }

  async findByStakeBox(boxId: string): Promise<ProviderRow | undefined> {
    return (await this.db.query<ProviderRow>("SELECT * FROM providers WHERE stake_box_id = $1", [boxId]))[0];
  }

  async listByOwner(address: string): Promise<ProviderRow[]> {
    return this.db.query<ProviderRow>(
      "SELECT * FROM providers WHERE owner_address = $1 ORDER BY created_at, id",
      [address],
    );
  }

  async all(): Promise<ProviderRow[]> {
    return this.db.query<ProviderRow>("SELECT * FROM providers ORDER BY id");
  }

  async updateStake(id: string, stake: StakeState): Promise<void> {
    await this.db.query(
      `UPDATE providers SET stake_box_id = $2, stake_nanoerg = $3, stake_bonded = $4, stake_listing_hash = $5 WHERE id = $1`,
      [id, stake.stakeBoxId, stake.stakeNanoErg, stake.bonded, stake.stakeListingHash],
    );
  }

  /** A stake box the provider named itself becomes the root of the lineage the marketplace follows. */
  async setStakeRoot(id: string, boxId: string): Promise<void> {
    await this.db.query("UPDATE providers SET stake_root_box_id = $2 WHERE id = $1", [id, boxId]);
  }

  /** Replaces the provider's offers position by position (ids of kept positions stay, so rentals keep their GPU). */
  async replaceListing(
    providerId: string,
    listing: Listing,
    hash: string,
    newId: () => string,
  ): Promise<void> {
    await this.db.query("UPDATE providers SET listing_hash = $2, region = $3 WHERE id = $1", [
      providerId,
      hash,
      listing.region,
    ]);
    for (const [position, gpu] of listing.gpus.entries()) {
      const tflops = tflopsOf(gpu.model) * gpu.count;
      await this.db.query(
        `INSERT INTO gpus (id, provider_id, position, model, model_key, vram_gb, count, device_ids, cuda_version,
                           cpu_cores, ram_gb, disk_gb, region, price_per_hour, min_hours, max_hours, tflops, price_per_tflops)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
         ON CONFLICT (provider_id, position) DO UPDATE SET
           model = EXCLUDED.model, model_key = EXCLUDED.model_key, vram_gb = EXCLUDED.vram_gb, count = EXCLUDED.count,
           device_ids = EXCLUDED.device_ids, cuda_version = EXCLUDED.cuda_version, cpu_cores = EXCLUDED.cpu_cores,
           ram_gb = EXCLUDED.ram_gb, disk_gb = EXCLUDED.disk_gb, region = EXCLUDED.region,
           price_per_hour = EXCLUDED.price_per_hour, min_hours = EXCLUDED.min_hours, max_hours = EXCLUDED.max_hours,
           tflops = EXCLUDED.tflops, price_per_tflops = EXCLUDED.price_per_tflops,
           ${KEEP_MEASUREMENT_UNLESS_DEVICES_CHANGED}`,
        [
          newId(),
          providerId,
          position,
          gpu.model,
          modelKey(gpu.model),
          gpu.vramGb,
          gpu.count,
          gpu.deviceIds ?? Array.from({ length: gpu.count }, (_, i) => String(i)),
          gpu.cudaVersion,
          gpu.cpuCores,
          gpu.ramGb,
          gpu.diskGb,
          listing.region,
          BigInt(gpu.pricePerHour),
          gpu.minHours,
          gpu.maxHours,
          tflops,
          Number(BigInt(gpu.pricePerHour)) / tflops,
        ],
      );
    }
    // Offers beyond the new listing: dropped, or hidden if a rental still references them.
    await this.db.query(
      `DELETE FROM gpus g WHERE provider_id = $1 AND position >= $2
         AND NOT EXISTS (SELECT 1 FROM instances i WHERE i.gpu_id = g.id)`,
      [providerId, listing.gpus.length],
    );
    // Hidden offers move below every used position, keeping (provider_id, position) unique.
    await this.db.query(
      `UPDATE gpus SET listed = false,
         position = LEAST(0, (SELECT MIN(position) FROM gpus WHERE provider_id = $1)) - 1 - (position - $2)
       WHERE provider_id = $1 AND position >= $2`,
      [providerId, listing.gpus.length],
    );
  }

  /** Lists or hides all of a provider's current offers and copies its online state and reliability onto them. */
  async syncGpus(providerId: string, listed: boolean): Promise<void> {
    await this.db.query(
      `UPDATE gpus g SET listed = $2 AND g.position >= 0, online = p.online, reliability = p.reliability
         FROM providers p WHERE p.id = g.provider_id AND g.provider_id = $1`,
      [providerId, listed],
    );
  }

  async totalGpus(providerId: string): Promise<number> {
    const rows = await this.db.query<{ n: bigint | null }>(
      "SELECT SUM(count)::BIGINT AS n FROM gpus WHERE provider_id = $1 AND position >= 0",
      [providerId],
    );
    return Number(rows[0]?.n ?? 0n);
  }

  async isListed(providerId: string): Promise<boolean> {
    const rows = await this.db.query<{ listed: boolean }>(
      "SELECT bool_or(listed) AS listed FROM gpus WHERE provider_id = $1",
      [providerId],
    );
    return rows[0]?.listed ?? false;
  }
}
