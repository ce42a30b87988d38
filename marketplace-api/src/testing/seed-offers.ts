import type { Database } from "@gpuc/platform";

/**
 * Seeds `gpus` listed offers (one provider per ten): RTX 4090/3090, A100, H100 SXM and L40S in four regions, prices
 * and reliability spread, one provider in five offline. For benchmarks over a market of realistic size.
 */
export async function seedOffers(db: Database, gpus: number): Promise<void> {
  // gpus / 10 providers with 10 offers each; models, prices, regions, reliability and liveness vary.
  await db.query(`
    INSERT INTO providers (id, owner_address, name, region, stake_box_id, stake_nanoerg, stake_bonded, stake_listing_hash,
                           listing_hash, created_at, online, reliability)
    SELECT gen_random_uuid(), 'bench-' || i, 'p' || i, (ARRAY['eu-west','us-east','ap-south','eu-north'])[1 + i % 4],
           md5(i::text) || md5((i + 1)::text), 100000000000, true, 'h', 'h', now(), i % 5 <> 0, (i % 100) / 100.0
      FROM generate_series(1, ${Math.ceil(gpus / 10)}) i`);
  await db.query(`
    INSERT INTO gpus (id, provider_id, position, model, model_key, vram_gb, count, device_ids, cuda_version, cpu_cores, ram_gb,
                      disk_gb, region, price_per_hour, min_hours, max_hours, tflops, price_per_tflops, listed, online, reliability)
    SELECT gen_random_uuid(), p.id, pos, m.model, m.key, m.vram, 1 + (pos % 8), ARRAY['0'], '12.4', 16, 64, 500, p.region,
           price, 1, 72, m.tflops * (1 + (pos % 8)), price / (m.tflops * (1 + (pos % 8))), true, p.online, p.reliability
      FROM providers p CROSS JOIN generate_series(0, 9) pos
      CROSS JOIN LATERAL (SELECT (ARRAY['RTX 4090','RTX 3090','A100','H100 SXM','L40S'])[1 + (pos + length(p.name)) % 5] AS model) pick
      CROSS JOIN LATERAL (SELECT pick.model AS model, lower(replace(pick.model, ' ', '')) AS key,
                                 CASE pick.model WHEN 'A100' THEN 80 WHEN 'H100 SXM' THEN 80 WHEN 'L40S' THEN 48 ELSE 24 END AS vram,
                                 CASE pick.model WHEN 'RTX 4090' THEN 82.6 WHEN 'RTX 3090' THEN 35.6 WHEN 'A100' THEN 19.5
                                                 WHEN 'H100 SXM' THEN 67 ELSE 91.6 END AS tflops) m
      CROSS JOIN LATERAL (SELECT (200000 + (hashtext(p.id::text || pos) & 4194303))::bigint AS price) pr`);
  await db.query("ANALYZE");
}
