import type { Database } from "@gpuc/platform";

export interface ChallengeRow {
  nonce: string;
  address: string;
  message: string;
  expires_at: Date;
  used_at: Date | null;
}

/** Challenges and sessions. */
export class AuthRepository {
  constructor(private readonly db: Database) {}

  async insertChallenge(row: Omit<ChallengeRow, "used_at">, now: Date): Promise<void> {
    await this.db.query(
      "INSERT INTO auth_challenges (nonce, address, message, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
      [row.nonce, row.address, row.message, now, row.expires_at],
    );
  }

  /**
   * Marks an unused challenge used and returns it; undefined when unknown or already used. One conditional
   * UPDATE, so two concurrent verifications of one nonce cannot both succeed.
   */
  async consumeChallenge(nonce: string, now: Date): Promise<ChallengeRow | undefined> {
    const rows = await this.db.query<ChallengeRow>(
      `UPDATE auth_challenges SET used_at = $2 WHERE nonce = $1 AND used_at IS NULL
       RETURNING nonce, address, message, expires_at, used_at`,
      [nonce, now],
    );
    return rows[0];
  }

  /** Deletes challenges past their expiry (used or not); resolves to how many. */
  async deleteExpiredChallenges(now: Date): Promise<number> {
    const rows = await this.db.query<{ nonce: string }>(
      "DELETE FROM auth_challenges WHERE expires_at < $1 RETURNING nonce",
      [now],
    );
    return rows.length;
  }

  async insertSession(tokenHash: string, address: string, now: Date, expiresAt: Date): Promise<void> {
    await this.db.query(
      "INSERT INTO sessions (token_hash, address, created_at, expires_at) VALUES ($1, $2, $3, $4)",
      [tokenHash, address, now, expiresAt],
    );
  }

  async findActiveSession(tokenHash: string, now: Date): Promise<{ address: string } | undefined> {
    const rows = await this.db.query<{ address: string }>(
      "SELECT address FROM sessions WHERE token_hash = $1 AND expires_at > $2 AND revoked_at IS NULL",
      [tokenHash, now],
    );
    return rows[0];
  }

  async revokeSession(tokenHash: string, now: Date): Promise<void> {
    await this.db.query("UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL", [
      tokenHash,
      now,
    ]);
  }
}
