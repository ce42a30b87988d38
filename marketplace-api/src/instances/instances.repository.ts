import type { Database } from "@gpuc/platform";
import type { CloseReason, InstanceState } from "@gpuc/sdk";

export interface InstanceRow {
  id: string;
  consumer_address: string;
  provider_id: string;
  gpu_id: string;
  state: InstanceState;
  image: string;
  cmd: string[] | null;
  env: Record<string, string> | null;
  ports: number[] | null;
  hours: number;
  price_per_hour: bigint;
  amount: bigint;
  escrow_tx_id: string | null;
  escrow_box_id: string | null;
  /** The escrow box the consumer opened (the root of the escrow lineage the instance follows). */
  opening_box_id: string | null;
  start_height: number | null;
  funded_at: Date | null;
  expires_at: Date | null;
  close_reason: CloseReason | null;
  /** The detail of the event that first gave the close reason. */
  close_detail: string | null;
  billed_seconds: bigint | null;
  settlement_tx_id: string | null;
  /** First indexed height at which it was seen Failed with an escrow (see `stampFailedHeight`). */
  failed_height: number | null;
  dispute_reason: string | null;
  disputed_at: Date | null;
  /** The usage receipt (leaf) the dispute names, and the one the arbiter's resolution was about (see receipts/). */
  dispute_receipt_leaf: string | null;
  resolved_receipt_leaf: string | null;
  created_at: Date;
  updated_at: Date;
  /** The provider's executor endpoint (joined from providers, from its latest heartbeat). */
  executor_url: string | null;
}

/** Instances with their provider's executor endpoint. */
const SELECT = "SELECT i.*, p.executor_url FROM instances i JOIN providers p ON p.id = i.provider_id";

export type NewInstance = Pick<
  InstanceRow,
  | "id"
  | "consumer_address"
  | "provider_id"
  | "gpu_id"
  | "image"
  | "cmd"
  | "env"
  | "ports"
  | "hours"
  | "price_per_hour"
  | "amount"
>;

/** Fields a transition may set besides the state. */
export interface TransitionFields {
  reason?: CloseReason;
  detail?: string;
  billedSeconds?: number;
  escrowBoxId?: string;
  openingBoxId?: string;
  startHeight?: number;
  fundedAt?: Date;
  expiresAt?: Date;
  hours?: number;
  settlementTxId?: string;
  disputeReason?: string;
  disputedAt?: Date;
}

export class InstancesRepository {
  constructor(private readonly db: Database) {}

  async insert(row: NewInstance, now: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO instances (id, consumer_address, provider_id, gpu_id, state, image, cmd, env, ports, hours,
                              price_per_hour, amount, created_at, updated_at)
       VALUES ($1, $2, $3, $4, 'Created', $5, $6, $7, $8, $9, $10, $11, $12, $12)`,
      [
        row.id,
        row.consumer_address,
        row.provider_id,
        row.gpu_id,
        row.image,
        row.cmd && JSON.stringify(row.cmd),
        row.env && JSON.stringify(row.env),
        row.ports && JSON.stringify(row.ports),
        row.hours,
        row.price_per_hour,
        row.amount,
        now,
      ],
    );
    await this.event(row.id, null, "Created", {}, now);
  }

  /** The row locked for update when called inside a transaction. */
  async find(id: string, lock = false): Promise<InstanceRow | undefined> {
    const rows = await this.db.query<InstanceRow>(
      `${SELECT} WHERE i.id = $1${lock ? " FOR UPDATE OF i" : ""}`,
      [id],
    );
    return rows[0];
  }

  async listByConsumer(address: string, state: InstanceState | undefined, page: number, limit: number) {
    const where = state ? "i.consumer_address = $1 AND i.state = $2" : "i.consumer_address = $1";
    const values = state ? [address, state] : [address];
    const [rows, count] = await Promise.all([
      this.db.query<InstanceRow>(
        `${SELECT} WHERE ${where} ORDER BY i.created_at DESC, i.id LIMIT ${limit} OFFSET ${(page - 1) * limit}`,
        values,
      ),
      this.db.query<{ total: bigint }>(`SELECT COUNT(*) AS total FROM instances i WHERE ${where}`, values),
    ]);
    return { rows, total: Number(count[0]?.total ?? 0n) };
  }

  async listByProvider(providerId: string, states: readonly InstanceState[]): Promise<InstanceRow[]> {
    return this.db.query<InstanceRow>(
      `${SELECT} WHERE i.provider_id = $1 AND i.state = ANY($2) ORDER BY i.created_at, i.id`,
      [providerId, states],
    );
  }

  /** Live rentals of providers whose last heartbeat is older than `before` (or who never sent one). */
  async liveWithSilentProvider(states: readonly InstanceState[], before: Date): Promise<InstanceRow[]> {
    return this.db.query<InstanceRow>(
      `${SELECT}
        WHERE i.state = ANY($1) AND COALESCE(p.last_heartbeat_at, i.funded_at) < $2
        ORDER BY i.id`,
      [states, before],
    );
  }

  /**
   * Serialises rental creation per consumer until the caller's transaction ends, so two concurrent requests
   * cannot both pass the unfunded-rentals cap and the balance check.
   */
  async lockConsumer(address: string): Promise<void> {
    await this.db.query("SELECT pg_advisory_xact_lock(hashtext('gpuc-consumer:' || $1))", [address]);
  }

  /** The consumer's rentals awaiting funding (Created): how many, and the GPUC their escrows will take. */
  async unfundedOf(address: string): Promise<{ count: number; amount: bigint }> {
    const rows = await this.db.query<{ count: bigint; amount: bigint | null }>(
      `SELECT COUNT(*) AS count, SUM(amount)::BIGINT AS amount FROM instances
        WHERE consumer_address = $1 AND state = 'Created'`,
      [address],
    );
    return { count: Number(rows[0]?.count ?? 0n), amount: rows[0]?.amount ?? 0n };
  }

  async createdBefore(before: Date): Promise<InstanceRow[]> {
    return this.db.query<InstanceRow>(
      `${SELECT} WHERE i.state = 'Created' AND i.created_at < $1 ORDER BY i.id`,
      [before],
    );
  }

  /** Records `height` on Failed rentals with an escrow box that have none yet: the refund delay counts from it. */
  async stampFailedHeight(height: number): Promise<void> {
    await this.db.query(
      `UPDATE instances SET failed_height = $1
        WHERE state = 'Failed' AND escrow_box_id IS NOT NULL AND failed_height IS NULL`,
      [height],
    );
  }

  /** Failed rentals seen Failed at or before `height` whose escrow box the index still holds unspent. */
  async failedWithUnspentEscrow(height: number): Promise<InstanceRow[]> {
    return this.db.query<InstanceRow>(
      `${SELECT}
        WHERE i.state = 'Failed' AND i.failed_height <= $1
          AND EXISTS (SELECT 1 FROM chain_boxes b WHERE b.box_id = i.escrow_box_id AND b.spent_tx_id IS NULL)
        ORDER BY i.id`,
      [height],
    );
  }

  async setEscrowTx(id: string, txId: string, now: Date): Promise<void> {
    await this.db.query("UPDATE instances SET escrow_tx_id = $2, updated_at = $3 WHERE id = $1", [
      id,
      txId,
      now,
    ]);
  }

  /** Records the arbiter settlement's transaction id before it is submitted (so a restart never resolves twice). */
  async setSettlementTx(id: string, txId: string, now: Date): Promise<void> {
    await this.db.query("UPDATE instances SET settlement_tx_id = $2, updated_at = $3 WHERE id = $1", [
      id,
      txId,
      now,
    ]);
  }

  /** Instances pointing at an escrow box the index no longer holds (its block was unwound). */
  async withUnwoundEscrow(): Promise<InstanceRow[]> {
    return this.db.query<InstanceRow>(
      `${SELECT} WHERE i.escrow_box_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM chain_boxes b WHERE b.box_id = i.escrow_box_id)
        ORDER BY i.id`,
    );
  }

  /** Back to awaiting funding: the escrow that funded it is no longer on chain. */
  async unfund(row: InstanceRow, detail: string, now: Date): Promise<void> {
    await this.db.query(
      `UPDATE instances SET state = 'Created', escrow_box_id = NULL, opening_box_id = NULL, start_height = NULL,
              funded_at = NULL, expires_at = NULL, updated_at = $2
        WHERE id = $1`,
      [row.id, now],
    );
    await this.event(row.id, row.state, "Created", { detail }, now);
  }

  /** Points the instance back at an earlier escrow box (a recreation of it was unwound). */
  async revertEscrow(row: InstanceRow, boxId: string, hours: number, expiresAt: Date | null, now: Date) {
    await this.db.query(
      "UPDATE instances SET escrow_box_id = $2, hours = $3, expires_at = $4, updated_at = $5 WHERE id = $1",
      [row.id, boxId, hours, expiresAt, now],
    );
  }

  async transition(row: InstanceRow, to: InstanceState, fields: TransitionFields, now: Date): Promise<void> {
    await this.db.query(
      `UPDATE instances SET state = $2, updated_at = $3,
          close_reason = COALESCE($4, close_reason),
          billed_seconds = COALESCE($5, billed_seconds),
          escrow_box_id = COALESCE($6, escrow_box_id),
          start_height = COALESCE($7, start_height),
          funded_at = COALESCE($8, funded_at),
          expires_at = COALESCE($9, expires_at),
          hours = COALESCE($10, hours),
          settlement_tx_id = COALESCE($11, settlement_tx_id),
          dispute_reason = COALESCE($12, dispute_reason),
          disputed_at = COALESCE($13, disputed_at),
          opening_box_id = COALESCE($14, opening_box_id),
          close_detail = COALESCE(close_detail, $15)
        WHERE id = $1`,
      [
        row.id,
        to,
        now,
        fields.reason ?? null,
        fields.billedSeconds ?? null,
        fields.escrowBoxId ?? null,
        fields.startHeight ?? null,
        fields.fundedAt ?? null,
        fields.expiresAt ?? null,
        fields.hours ?? null,
        fields.settlementTxId ?? null,
        fields.disputeReason ?? null,
        fields.disputedAt ?? null,
        fields.openingBoxId ?? null,
        // The detail that comes with the close reason is why it closed; later ones (a retried report) do not replace it.
        (fields.reason && fields.detail) || null,
      ],
    );
    if (to !== row.state) await this.event(row.id, row.state, to, fields, now);
  }

  async events(
    id: string,
  ): Promise<{ from_state: string | null; to_state: string; reason: string | null }[]> {
    return this.db.query(
      "SELECT from_state, to_state, reason FROM instance_events WHERE instance_id = $1 ORDER BY id",
      [id],
    );
  }

  private async event(
    id: string,
    from: InstanceState | null,
    to: InstanceState,
    fields: TransitionFields,
    now: Date,
  ) {
    await this.db.query(
      "INSERT INTO instance_events (instance_id, from_state, to_state, reason, detail, at) VALUES ($1, $2, $3, $4, $5, $6)",
      [id, from, to, fields.reason ?? null, fields.detail ?? null, now],
    );
  }
}
