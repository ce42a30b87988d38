import type { Database } from "@gpuc/platform";

export class HeartbeatsRepository {
  constructor(private readonly db: Database) {}

  async insert(
    providerId: string,
    sentAt: Date,
    receivedAt: Date,
    gpus: unknown,
    instances: unknown,
    endpoint?: string,
  ): Promise<void> {
    await this.db.query(
      "INSERT INTO heartbeats (provider_id, sent_at, received_at, gpus, instances) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
      [providerId, sentAt, receivedAt, JSON.stringify(gpus), JSON.stringify(instances)],
    );
    await this.db.query(
      "UPDATE providers SET last_heartbeat_at = $2, online = true, executor_url = COALESCE($3, executor_url) WHERE id = $1",
      [providerId, receivedAt, endpoint ?? null],
    );
  }

  async lastSentAt(providerId: string): Promise<Date | undefined> {
    const rows = await this.db.query<{ sent_at: Date | null }>(
      "SELECT MAX(sent_at) AS sent_at FROM heartbeats WHERE provider_id = $1",
      [providerId],
    );
    return rows[0]?.sent_at ?? undefined;
  }

  /**
   * Reliability in [0, 1]: the share of expected heartbeat intervals (since the provider registered, within
   * the window) that had at least one heartbeat, each interval weighted by exp(−age/τ) so recent behaviour
   * counts most (τ = window / 4). Vast.ai-style uptime with decay.
   */
  async reliability(providerId: string, now: Date, intervalS: number, windowS: number): Promise<number> {
    const tau = windowS / 4;
    const rows = await this.db.query<{ received: number | null; registered_at: Date }>(
      `WITH buckets AS (
         SELECT DISTINCT floor(extract(epoch FROM ($2::timestamptz - received_at)) / $3)::int AS k
           FROM heartbeats WHERE provider_id = $1 AND received_at > $2::timestamptz - make_interval(secs => $4) AND received_at <= $2
       )
       SELECT (SELECT SUM(exp(-k * $3 / $5)) FROM buckets)::float8 AS received, p.created_at AS registered_at
         FROM providers p WHERE p.id = $1`,
      [providerId, now, intervalS, windowS, tau],
    );
    const row = rows[0];
    if (!row) return 0;
    const span = Math.min(windowS, Math.max(intervalS, (now.getTime() - row.registered_at.getTime()) / 1000));
    const expected = geometricSum(Math.exp(-intervalS / tau), Math.max(1, Math.floor(span / intervalS)));
    return Math.min(1, (row.received ?? 0) / expected);
  }

  async setReliability(providerId: string, reliability: number): Promise<void> {
    await this.db.query("UPDATE providers SET reliability = $2 WHERE id = $1", [providerId, reliability]);
  }

  /** Providers marked online whose last heartbeat is older than `before`; marks them offline. */
  async markSilentOffline(before: Date): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(
      "UPDATE providers SET online = false WHERE online AND (last_heartbeat_at IS NULL OR last_heartbeat_at < $1) RETURNING id",
      [before],
    );
    return rows.map((row) => row.id);
  }

  async prune(before: Date): Promise<void> {
    await this.db.query("DELETE FROM heartbeats WHERE received_at < $1", [before]);
  }
}

/** 1 + r + r² + … + r^(n−1). */
function geometricSum(r: number, n: number): number {
  return r === 1 ? n : (1 - r ** n) / (1 - r);
}
