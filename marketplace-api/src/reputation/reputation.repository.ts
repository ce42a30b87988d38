import type { Database } from "@gpuc/platform";
import type { ReputationDay, ReputationParts } from "@gpuc/sdk";

interface PartsRow {
  heartbeats_expected: number;
  heartbeats_received: number;
  rentals_completed: number;
  rentals_failed: number;
  challenges_passed: number;
  challenges_failed: number;
  disputes_lost: number;
}

interface DayRow extends PartsRow {
  day: string;
  score: number;
}

/** The close reasons that are the provider's fault (its executor refused or lost the rental, or it went silent). */
const PROVIDER_FAULTS = ["provider_down", "provider_rejected"];

/**
 * Counts one UTC day's evidence from the raw tables: heartbeat intervals (of `intervalS`) with a heartbeat, out of
 * those since the provider registered and before `now`; rentals by the state they ended in that day (and why);
 * challenges by verdict (an unanswered one on its deadline); disputed rentals the arbiter resolved.
 */
const PARTS_SQL = `
WITH d AS (
  SELECT ($2::date)::timestamp AT TIME ZONE 'UTC' AS day_start,
         ($2::date + 1)::timestamp AT TIME ZONE 'UTC' AS day_end
), b AS (
  SELECT d.day_start, d.day_end, GREATEST(d.day_start, p.created_at) AS from_at, LEAST(d.day_end, $4::timestamptz) AS to_at
    FROM d, providers p WHERE p.id = $1 AND d.day_end > p.created_at
), ended AS (
  SELECT e.to_state, COALESCE(e.reason, i.close_reason) AS reason, i.disputed_at
    FROM instance_events e JOIN instances i ON i.id = e.instance_id, b
   WHERE i.provider_id = $1 AND e.at >= b.day_start AND e.at < b.day_end
     AND e.to_state IN ('Completed', 'Failed', 'Resolved')
)
SELECT
  GREATEST(0, floor(extract(epoch FROM (b.to_at - b.from_at)) / $3))::int AS heartbeats_expected,
  (SELECT COUNT(DISTINCT floor(extract(epoch FROM h.received_at) / $3)) FROM heartbeats h
    WHERE h.provider_id = $1 AND h.received_at >= b.from_at AND h.received_at < b.to_at)::int AS heartbeats_received,
  (SELECT COUNT(*) FROM ended WHERE to_state = 'Completed')::int AS rentals_completed,
  (SELECT COUNT(*) FROM ended WHERE to_state = 'Failed' AND reason = ANY($5))::int AS rentals_failed,
  (SELECT COUNT(*) FROM challenges c WHERE c.provider_id = $1 AND c.state = 'verified'
      AND c.answered_at >= b.day_start AND c.answered_at < b.day_end)::int AS challenges_passed,
  (SELECT COUNT(*) FROM challenges c WHERE c.provider_id = $1 AND c.state IN ('failed', 'unverified')
      AND COALESCE(c.answered_at, c.deadline) >= b.day_start AND COALESCE(c.answered_at, c.deadline) < b.day_end)::int
    AS challenges_failed,
  (SELECT COUNT(*) FROM ended WHERE to_state = 'Resolved' AND disputed_at IS NOT NULL)::int AS disputes_lost
FROM b`;

export class ReputationRepository {
  constructor(private readonly db: Database) {}

  /** One day's parts counted from the raw tables now (undefined for an unknown provider, or before it registered). */
  async count(
    providerId: string,
    day: string,
    intervalS: number,
    now: Date,
  ): Promise<ReputationParts | undefined> {
    const [row] = await this.db.query<PartsRow>(PARTS_SQL, [
      providerId,
      day,
      intervalS,
      now,
      PROVIDER_FAULTS,
    ]);
    return row && toParts(row);
  }

  async upsert(providerId: string, day: string, parts: ReputationParts, score: number): Promise<void> {
    await this.db.query(
      `INSERT INTO reputation_days (provider_id, day, heartbeats_expected, heartbeats_received, rentals_completed,
                                    rentals_failed, challenges_passed, challenges_failed, disputes_lost, score)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (provider_id, day) DO UPDATE SET
         heartbeats_expected = EXCLUDED.heartbeats_expected, heartbeats_received = EXCLUDED.heartbeats_received,
         rentals_completed = EXCLUDED.rentals_completed, rentals_failed = EXCLUDED.rentals_failed,
         challenges_passed = EXCLUDED.challenges_passed, challenges_failed = EXCLUDED.challenges_failed,
         disputes_lost = EXCLUDED.disputes_lost, score = EXCLUDED.score`,
      [
        providerId,
        day,
        parts.heartbeatsExpected,
        parts.heartbeatsReceived,
        parts.rentalsCompleted,
        parts.rentalsFailed,
        parts.challengesPassed,
        parts.challengesFailed,
        parts.disputesLost,
        score,
      ],
    );
  }

  /** The stored days from `since` (a UTC date) on, oldest first. */
  async days(providerId: string, since: string): Promise<ReputationDay[]> {
    const rows = await this.db.query<DayRow>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, heartbeats_expected, heartbeats_received, rentals_completed,
              rentals_failed, challenges_passed, challenges_failed, disputes_lost, score
         FROM reputation_days WHERE provider_id = $1 AND day >= $2::date ORDER BY day`,
      [providerId, since],
    );
    return rows.map((row) => ({ day: row.day, ...toParts(row), score: row.score }));
  }

  async providerIds(): Promise<string[]> {
    return (await this.db.query<{ id: string }>("SELECT id FROM providers ORDER BY id")).map((row) => row.id);
  }
}

function toParts(row: PartsRow): ReputationParts {
  return {
    heartbeatsExpected: row.heartbeats_expected,
    heartbeatsReceived: row.heartbeats_received,
    rentalsCompleted: row.rentals_completed,
    rentalsFailed: row.rentals_failed,
    challengesPassed: row.challenges_passed,
    challengesFailed: row.challenges_failed,
    disputesLost: row.disputes_lost,
  };
}
