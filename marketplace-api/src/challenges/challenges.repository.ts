import type { Database } from "@gpuc/platform";
import type { BenchResult, ChallengeState } from "@gpuc/sdk";

export interface ChallengeRow {
  id: string;
  provider_id: string;
  gpu_id: string;
  nonce: string;
  model: string;
  device_ids: string[];
  reason: "listing" | "random";
  issued_at: Date;
  deadline: Date;
  state: ChallengeState;
  answered_at: Date | null;
  result: BenchResult | null;
  signature: string | null;
  detail: string | null;
}

/** A listed, online, idle offer the scheduler may challenge; `listing_due` when its listing was never challenged. */
export interface ChallengeCandidate {
  gpu_id: string;
  provider_id: string;
  model: string;
  device_ids: string[];
  listing_due: boolean;
}

export type NewChallenge = Pick<
  ChallengeRow,
  "id" | "provider_id" | "gpu_id" | "nonce" | "model" | "device_ids" | "reason" | "issued_at" | "deadline"
>;

export interface Settled {
  state: ChallengeState;
  answeredAt: Date;
  result: BenchResult | null;
  signature: string | null;
  detail: string;
}

export class ChallengesRepository {
  constructor(private readonly db: Database) {}

  async insert(challenge: NewChallenge): Promise<void> {
    await this.db.query(
      `INSERT INTO challenges (id, provider_id, gpu_id, nonce, model, device_ids, reason, issued_at, deadline)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        challenge.id,
        challenge.provider_id,
        challenge.gpu_id,
        challenge.nonce,
        challenge.model,
        challenge.device_ids,
        challenge.reason,
        challenge.issued_at,
        challenge.deadline,
      ],
    );
  }

  async find(id: string): Promise<ChallengeRow | undefined> {
    return (await this.db.query<ChallengeRow>("SELECT * FROM challenges WHERE id = $1", [id]))[0];
  }

  async pendingOf(providerId: string): Promise<ChallengeRow[]> {
    return this.db.query<ChallengeRow>(
      "SELECT * FROM challenges WHERE provider_id = $1 AND state = 'pending' ORDER BY issued_at, id",
      [providerId],
    );
  }

  async recentOf(providerId: string, limit: number): Promise<ChallengeRow[]> {
    return this.db.query<ChallengeRow>(
      "SELECT * FROM challenges WHERE provider_id = $1 ORDER BY issued_at DESC, id LIMIT $2",
      [providerId, limit],
    );
  }

  /** Settles a pending challenge; false when it was settled meanwhile (a concurrent answer or the expiry sweep). */
  async settle(id: string, settled: Settled): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE challenges SET state = $2, answered_at = $3, result = $4, signature = $5, detail = $6
        WHERE id = $1 AND state = 'pending' RETURNING id`,
      [id, settled.state, settled.answeredAt, settled.result, settled.signature, settled.detail],
    );
    return rows.length === 1;
  }

  /** Pending challenges past their deadline become `failed`; their offers are returned to be marked so. */
  async expire(now: Date): Promise<{ id: string; gpu_id: string }[]> {
    return this.db.query(
      `UPDATE challenges SET state = 'failed', detail = 'no answer before the deadline'
        WHERE state = 'pending' AND deadline < $1 RETURNING id, gpu_id`,
      [now],
    );
  }

  /**
   * Offers that may be challenged now: listed, online, not rented, with no challenge pending. A busy answer does
   * not count as the listing's challenge, so a listing whose executor was busy is asked again.
   */
  async candidates(): Promise<ChallengeCandidate[]> {
    return this.db.query<ChallengeCandidate>(
      `SELECT g.id AS gpu_id, g.provider_id, g.model, g.device_ids,
              NOT EXISTS (SELECT 1 FROM challenges c WHERE c.gpu_id = g.id AND c.model = g.model
                            AND c.device_ids = g.device_ids AND c.state <> 'busy') AS listing_due
         FROM gpus g
        WHERE g.listed AND g.online AND g.rented_by IS NULL AND g.position >= 0
          AND NOT EXISTS (SELECT 1 FROM challenges c WHERE c.gpu_id = g.id AND c.state = 'pending')
        ORDER BY g.id`,
    );
  }
}
