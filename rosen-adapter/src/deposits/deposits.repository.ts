import type { Database } from "@gpuc/platform";

/** One bridged-token arrival at a wallet. */
export interface Deposit {
  readonly txId: string;
  readonly address: string;
  readonly tokenId: string;
  readonly amount: bigint;
  readonly inclusionHeight: number;
  readonly confirmedHeight: number | null;
  readonly seenAt: Date;
  readonly confirmedAt: Date | null;
}

export interface NewDeposit {
  readonly txId: string;
  readonly ergoTree: string;
  readonly address: string;
  readonly tokenId: string;
  readonly amount: bigint;
}

interface DepositRow {
  tx_id: string;
  address: string;
  token_id: string;
  amount: string;
  inclusion_height: number;
  confirmed_height: number | null;
  seen_at: Date;
  confirmed_at: Date | null;
}

const COLUMNS = "tx_id, address, token_id, amount, inclusion_height, confirmed_height, seen_at, confirmed_at";

/** The deposits table: written inside the indexer's block transaction, read by the routes. */
export class DepositsRepository {
  constructor(private readonly db: Database) {}

  /** Records a block's deposits; a block indexed again (after a crash) writes nothing twice. */
  async record(deposits: readonly NewDeposit[], height: number, now: Date): Promise<void> {
    for (const deposit of deposits)
      await this.db.query(
        `INSERT INTO rosen_deposits (tx_id, ergo_tree, address, token_id, amount, inclusion_height, seen_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
        [
          deposit.txId,
          deposit.ergoTree,
          deposit.address,
          deposit.tokenId,
          deposit.amount.toString(),
          height,
          now,
        ],
      );
  }

  /** Deposits that reach `confirmations` at `tip` are confirmed now; returns them. */
  async confirm(tip: number, confirmations: number, now: Date): Promise<Deposit[]> {
    const rows = await this.db.query<DepositRow>(
      `UPDATE rosen_deposits SET confirmed_height = $1::integer, confirmed_at = $3
        WHERE confirmed_height IS NULL AND inclusion_height <= $1::integer - $2::integer + 1 RETURNING ${COLUMNS}`,
      [tip, confirmations, now],
    );
    return rows.map(toDeposit);
  }

  /** Undoes the blocks above `forkHeight`: their deposits go, confirmations reached above it are taken back. */
  async rollback(forkHeight: number): Promise<void> {
    await this.db.query("DELETE FROM rosen_deposits WHERE inclusion_height > $1", [forkHeight]);
    await this.db.query(
      "UPDATE rosen_deposits SET confirmed_height = NULL, confirmed_at = NULL WHERE confirmed_height > $1",
      [forkHeight],
    );
  }

  /**
   * A wallet's deposits confirmed after the one named (`txId`, `tokenId`), oldest first: what a deposit stream
   * reconnecting with that Last-Event-ID missed. Nothing when that deposit is unknown or unconfirmed.
   */
  async confirmedAfter(ergoTree: string, txId: string, tokenId: string): Promise<Deposit[]> {
    const rows = await this.db.query<DepositRow>(
      `SELECT ${COLUMNS} FROM rosen_deposits d
        WHERE d.ergo_tree = $1 AND d.confirmed_at IS NOT NULL
          AND (d.confirmed_at, d.tx_id, d.token_id) > (
            SELECT confirmed_at, tx_id, token_id FROM rosen_deposits
             WHERE ergo_tree = $1 AND tx_id = $2 AND token_id = $3 AND confirmed_at IS NOT NULL)
        ORDER BY d.confirmed_at, d.tx_id, d.token_id LIMIT 200`,
      [ergoTree, txId, tokenId],
    );
    return rows.map(toDeposit);
  }

  /** A wallet's deposits, newest first. */
  async list(ergoTree: string, limit: number, offset: number): Promise<{ items: Deposit[]; total: number }> {
    const rows = await this.db.query<DepositRow>(
      `SELECT ${COLUMNS} FROM rosen_deposits WHERE ergo_tree = $1
        ORDER BY inclusion_height DESC, tx_id LIMIT $2 OFFSET $3`,
      [ergoTree, limit, offset],
    );
    const [count] = await this.db.query<{ total: string }>(
      "SELECT count(*) AS total FROM rosen_deposits WHERE ergo_tree = $1",
      [ergoTree],
    );
    return { items: rows.map(toDeposit), total: Number(count?.total ?? 0) };
  }
}

function toDeposit(row: DepositRow): Deposit {
  return {
    txId: row.tx_id,
    address: row.address,
    tokenId: row.token_id,
    amount: BigInt(row.amount),
    inclusionHeight: row.inclusion_height,
    confirmedHeight: row.confirmed_height,
    seenAt: row.seen_at,
    confirmedAt: row.confirmed_at,
  };
}
