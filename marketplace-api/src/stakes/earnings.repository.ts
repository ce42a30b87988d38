import type { Database } from "@gpuc/platform";

export interface PayoutRow {
  tx_id: string;
  escrow_box_id: string;
  /** The escrow's R7 (rental id), serialized. */
  rental_register: string | null;
  gpuc: bigint;
  height: number;
  timestamp: bigint;
  /** Whether the same transaction recreated the escrow (a claim) rather than closing it. */
  recreated: boolean;
}

/**
 * What providers were paid from escrows, from the chain index: a payout is a box at the provider's key, holding
 * GPUC, created by the transaction that spent an escrow box and naming that box in its R4 (the settlement outputs'
 * rule, so no output is counted for two escrows).
 */
export class EarningsRepository {
  constructor(private readonly db: Database) {}

  async payouts(providerTree: string, limit = 1000): Promise<PayoutRow[]> {
    return this.db.query<PayoutRow>(
      `SELECT p.tx_id, e.box_id AS escrow_box_id, e.registers ->> 'R7' AS rental_register, p.gpuc,
              p.inclusion_height AS height, b.timestamp,
              EXISTS (SELECT 1 FROM chain_boxes r WHERE r.tx_id = p.tx_id AND r.kind = 'escrow') AS recreated
         FROM chain_boxes p
         JOIN chain_boxes e ON e.spent_tx_id = p.tx_id AND e.kind = 'escrow'
                            AND p.registers ->> 'R4' = '0e20' || e.box_id
         JOIN chain_blocks b ON b.height = p.inclusion_height
        WHERE p.ergo_tree = $1 AND p.gpuc > 0
        ORDER BY p.inclusion_height DESC, p.tx_id
        LIMIT ${limit}`,
      [providerTree],
    );
  }

  /** Heartbeat intervals covered per UTC day (at least one heartbeat in the interval), oldest first. */
  async uptime(providerId: string, intervalS: number): Promise<{ day: string; intervals: bigint }[]> {
    return this.db.query(
      `SELECT to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
              COUNT(DISTINCT floor(extract(epoch FROM received_at) / $2)) AS intervals
         FROM heartbeats WHERE provider_id = $1
        GROUP BY 1 ORDER BY 1`,
      [providerId, intervalS],
    );
  }
}
