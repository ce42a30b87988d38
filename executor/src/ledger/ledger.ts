import type { Database } from "@gpuc/platform";
import {
  type ExecutorReason,
  type ExecutorState,
  type InstanceEvent,
  LIVE_STATES,
  type LiveState,
  type Rental,
} from "@gpuc/sdk";
import type { BillingTerms } from "../billing/terms.ts";
import type { ClaimItem } from "../settlement/settlement.ts";
import { ReceiptStore } from "./receipt-store.ts";

/** A rental once the executor took it on: each state it reports. */
export type LedgerState = ExecutorState;
/** A container runs (or winds down) for it: the live states, once the executor took the rental on. */
export const ACTIVE_STATES: readonly LedgerState[] = LIVE_STATES.filter(
  (state): state is Exclude<LiveState, "Funded"> => state !== "Funded",
);

/** A rental as the executor's ledger holds it. */
export interface LedgerRental {
  readonly instanceId: string;
  readonly providerId: string;
  readonly rental: Rental;
  readonly state: LedgerState;
  readonly containerId: string | null;
  readonly terms: BillingTerms;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  readonly runningSeconds: number;
  readonly billedSeconds: number;
  readonly stopReason: ExecutorReason | null;
  readonly detail: string | null;
}

export interface LedgerClose {
  readonly status: "submitting" | "submitted";
  readonly txId: string | null;
  readonly providerAmount: bigint;
}

export interface PendingEvent {
  readonly id: bigint;
  readonly instanceId: string;
  readonly body: InstanceEvent;
}

interface RentalRow {
  instance_id: string;
  provider_id: string;
  spec: Rental;
  state: LedgerState;
  container_id: string | null;
  period_seconds: number;
  prepaid_periods: number;
  price_per_period: bigint;
  started_at: Date | null;
  finished_at: Date | null;
  running_seconds: number;
  billed_seconds: number;
  stop_reason: ExecutorReason | null;
  detail: string | null;
}

const toRental = (row: RentalRow): LedgerRental => ({
  instanceId: row.instance_id,
  providerId: row.provider_id,
  rental: row.spec,
  state: row.state,
  containerId: row.container_id,
  terms: {
    periodSeconds: row.period_seconds,
    prepaidPeriods: row.prepaid_periods,
    pricePerPeriod: row.price_per_period,
  },
  startedAt: row.started_at,
  finishedAt: row.finished_at,
  runningSeconds: row.running_seconds,
  billedSeconds: row.billed_seconds,
  stopReason: row.stop_reason,
  detail: row.detail,
});

/** The executor's billing ledger (migration 001). Joins the caller's `db.transaction`. */
export class Ledger {
  readonly #db: Database;
  /** Usage receipts: what they are built from, the issued ones, the batches owed to the marketplace (003). */
  readonly receipts: ReceiptStore;

  constructor(db: Database) {
    this.#db = db;
    this.receipts = new ReceiptStore(db);
  }

  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.#db.transaction(work);
  }

  /** Records a rental the executor takes on; false if it already had it. */
  async addRental(input: {
    rental: Rental;
    providerId: string;
    terms: BillingTerms;
    state: LedgerState;
    containerId?: string | null;
  }): Promise<boolean> {
    const rows = await this.#db.query(
      `INSERT INTO executor_rentals
         (instance_id, provider_id, spec, state, container_id, period_seconds, prepaid_periods, price_per_period)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (instance_id) DO NOTHING RETURNING instance_id`,
      [
        input.rental.id,
        input.providerId,
        JSON.stringify(input.rental),
        input.state,
        input.containerId ?? null,
        input.terms.periodSeconds,
        input.terms.prepaidPeriods,
        input.terms.pricePerPeriod,
      ],
    );
    return rows.length > 0;
  }

  async get(instanceId: string): Promise<LedgerRental | undefined> {
    const rows = await this.#db.query<RentalRow>("SELECT * FROM executor_rentals WHERE instance_id = $1", [
      instanceId,
    ]);
    return rows[0] && toRental(rows[0]);
  }

  async active(): Promise<LedgerRental[]> {
    const rows = await this.#db.query<RentalRow>(
      "SELECT * FROM executor_rentals WHERE state = ANY($1) ORDER BY created_at",
      [ACTIVE_STATES],
    );
    return rows.map(toRental);
  }

  async setContainer(instanceId: string, containerId: string): Promise<void> {
    await this.#update(instanceId, "container_id = $2", [containerId]);
  }

  /** Moves Starting → Running; a rental already stopping keeps its state. */
  async markRunning(instanceId: string, startedAt: Date): Promise<boolean> {
    const rows = await this.#db.query(
      `UPDATE executor_rentals SET state = 'Running', started_at = $2, updated_at = now()
       WHERE instance_id = $1 AND state = 'Starting' RETURNING 1`,
      [instanceId, startedAt],
    );
    return rows.length > 0;
  }

  async recordMeter(
    instanceId: string,
    meter: { startedAt: Date | null; finishedAt: Date | null; runningSeconds: number; billedSeconds: number },
  ): Promise<void> {
    await this.#update(
      instanceId,
      "started_at = COALESCE($2, started_at), finished_at = $3, running_seconds = $4, billed_seconds = $5",
      [meter.startedAt, meter.finishedAt, meter.runningSeconds, meter.billedSeconds],
    );
  }

  /** Marks a rental as stopping for `reason`; the first reason wins. False if it was not running or starting. */
  async requestStop(instanceId: string, reason: ExecutorReason | null, detail?: string): Promise<boolean> {
    const rows = await this.#db.query(
      `UPDATE executor_rentals
       SET state = 'Stopping', stop_reason = COALESCE(stop_reason, $2), detail = COALESCE(detail, $3),
           updated_at = now()
       WHERE instance_id = $1 AND state IN ('Starting', 'Running') RETURNING 1`,
      [instanceId, reason, detail ?? null],
    );
    return rows.length > 0;
  }

  /** Raises a running rental's prepaid periods (the consumer topped the escrow up); false if nothing changed. */
  async extendPrepaid(instanceId: string, prepaidPeriods: number): Promise<boolean> {
    const rows = await this.#db.query(
      `UPDATE executor_rentals SET prepaid_periods = $2, updated_at = now()
       WHERE instance_id = $1 AND prepaid_periods < $2 AND state IN ('Starting', 'Running') RETURNING 1`,
      [instanceId, prepaidPeriods],
    );
    return rows.length > 0;
  }

  async finish(instanceId: string, state: "Completed" | "Failed", detail?: string): Promise<void> {
    await this.#update(instanceId, "state = $2, detail = COALESCE($3, detail)", [state, detail ?? null]);
  }

  async forgetContainer(instanceId: string): Promise<void> {
    await this.#update(instanceId, "container_id = NULL", []);
  }

  /** Ended rentals whose container is still kept (for the consumer to read logs) and finished before `cutoff`. */
  async endedWithContainer(cutoff: Date): Promise<LedgerRental[]> {
    const rows = await this.#db.query<RentalRow>(
      `SELECT * FROM executor_rentals WHERE state IN ('Completed', 'Failed') AND container_id IS NOT NULL
         AND updated_at < $1`,
      [cutoff],
    );
    return rows.map(toRental);
  }

  async #update(instanceId: string, set: string, values: unknown[]): Promise<void> {
    await this.#db.query(`UPDATE executor_rentals SET ${set}, updated_at = now() WHERE instance_id = $1`, [
      instanceId,
      ...values,
    ]);
  }

  // ---- claims ---------------------------------------------------------------------------------------------

  /** The highest period with a claim row in any status (claimed, or being claimed). */
  async claimedThrough(instanceId: string): Promise<number> {
    const [row] = await this.#db.query<{ through: number }>(
      "SELECT COALESCE(max(period), 0)::int AS through FROM executor_claims WHERE instance_id = $1",
      [instanceId],
    );
    return row?.through ?? 0;
  }

  async hasUnconfirmedClaims(instanceId: string): Promise<boolean> {
    const rows = await this.#db.query(
      "SELECT 1 FROM executor_claims WHERE instance_id = $1 AND status <> 'confirmed' LIMIT 1",
      [instanceId],
    );
    return rows.length > 0;
  }

  async hasSubmittingClaims(instanceId: string): Promise<boolean> {
    const rows = await this.#db.query(
      "SELECT 1 FROM executor_claims WHERE instance_id = $1 AND status = 'submitting' LIMIT 1",
      [instanceId],
    );
    return rows.length > 0;
  }

  /** Writes the claim rows before the settlement call; a period that already has a row is not claimed again. */
  async beginClaims(items: readonly ClaimItem[]): Promise<void> {
    for (const item of items) {
      for (let period = item.fromPeriod; period <= item.toPeriod; period++) {
        await this.#db.query(
          `INSERT INTO executor_claims (instance_id, period, amount, status) VALUES ($1, $2, $3, 'submitting')`,
          [item.escrow.instanceId, period, item.escrow.pricePerPeriod],
        );
      }
    }
  }

  async markClaimsSubmitted(items: readonly ClaimItem[], txId: string): Promise<void> {
    for (const item of items) {
      await this.#db.query(
        `UPDATE executor_claims SET status = 'submitted', tx_id = $4, updated_at = now()
         WHERE instance_id = $1 AND period BETWEEN $2 AND $3 AND status = 'submitting'`,
        [item.escrow.instanceId, item.fromPeriod, item.toPeriod, txId],
      );
    }
  }

  /**
   * Aligns the claim rows with the escrow's paid periods: periods the escrow has paid become confirmed (rows
   * added where the ledger lost them), claims still `submitting` beyond it are dropped to be claimed again,
   * and `submitted` ones beyond it are dropped once older than `staleAfterSeconds` (the transaction never made it),
   * as are `confirmed` ones beyond it (their transaction was dropped after the escrow had counted it).
   */
  async reconcileClaims(
    instanceId: string,
    paidPeriods: number,
    pricePerPeriod: bigint,
    staleAfterSeconds: number,
  ): Promise<void> {
    await this.#db.transaction(async () => {
      await this.#db.query(
        `INSERT INTO executor_claims (instance_id, period, amount, status)
         SELECT $1, p, $3, 'confirmed' FROM generate_series(1, $2::int) AS p
         ON CONFLICT (instance_id, period) DO UPDATE SET status = 'confirmed', updated_at = now()
         WHERE executor_claims.status <> 'confirmed'`,
        [instanceId, paidPeriods, pricePerPeriod],
      );
      // A `confirmed` row beyond the escrow's count was paid by a transaction the chain dropped since (reorg,
      // mempool eviction): the chain is the truth, the period is owed again.
      await this.#db.query(
        `DELETE FROM executor_claims WHERE instance_id = $1 AND period > $2
           AND (status IN ('submitting', 'confirmed')
                OR (status = 'submitted' AND updated_at < now() - make_interval(secs => $3)))`,
        [instanceId, paidPeriods, staleAfterSeconds],
      );
    });
  }

  async claimTotals(instanceId: string): Promise<{ periods: number; amount: bigint }> {
    const [row] = await this.#db.query<{ periods: number; amount: bigint }>(
      `SELECT count(*)::int AS periods, COALESCE(sum(amount), 0)::bigint AS amount
       FROM executor_claims WHERE instance_id = $1`,
      [instanceId],
    );
    return { periods: row?.periods ?? 0, amount: row?.amount ?? 0n };
  }

  // ---- close ----------------------------------------------------------------------------------------------

  async getClose(instanceId: string): Promise<LedgerClose | undefined> {
    const rows = await this.#db.query<{
      status: "submitting" | "submitted";
      tx_id: string | null;
      provider_amount: bigint;
    }>("SELECT status, tx_id, provider_amount FROM executor_closes WHERE instance_id = $1", [instanceId]);
    const row = rows[0];
    return row && { status: row.status, txId: row.tx_id, providerAmount: row.provider_amount };
  }

  async beginClose(input: {
    instanceId: string;
    billedSeconds: number;
    providerAmount: bigint;
    consumerRefund: bigint;
    reason: ExecutorReason | null;
  }): Promise<void> {
    await this.#db.query(
      `INSERT INTO executor_closes (instance_id, billed_seconds, provider_amount, consumer_refund, reason, status)
       VALUES ($1, $2, $3, $4, $5, 'submitting')`,
      [input.instanceId, input.billedSeconds, input.providerAmount, input.consumerRefund, input.reason],
    );
  }

  /** Marks the close submitted; `settled` replaces the requested split when the chain paid another one. */
  async markCloseSubmitted(
    instanceId: string,
    txId: string | null,
    settled?: { providerAmount: bigint; consumerRefund: bigint },
  ): Promise<void> {
    await this.#db.query(
      `UPDATE executor_closes SET status = 'submitted', tx_id = $2, updated_at = now(),
         provider_amount = COALESCE($3, provider_amount), consumer_refund = COALESCE($4, consumer_refund)
       WHERE instance_id = $1`,
      [instanceId, txId, settled?.providerAmount ?? null, settled?.consumerRefund ?? null],
    );
  }

  async dropClose(instanceId: string): Promise<void> {
    await this.#db.query("DELETE FROM executor_closes WHERE instance_id = $1 AND status = 'submitting'", [
      instanceId,
    ]);
  }

  // ---- marketplace event outbox ---------------------------------------------------------------------------

  async enqueueEvent(instanceId: string, body: InstanceEvent): Promise<void> {
    await this.#db.query("INSERT INTO executor_events (instance_id, body) VALUES ($1, $2)", [
      instanceId,
      JSON.stringify(body),
    ]);
  }

  async unsentEvents(limit = 100): Promise<PendingEvent[]> {
    const rows = await this.#db.query<{ id: bigint; instance_id: string; body: InstanceEvent }>(
      "SELECT id, instance_id, body FROM executor_events WHERE sent_at IS NULL ORDER BY id LIMIT $1",
      [limit],
    );
    return rows.map((row) => ({ id: row.id, instanceId: row.instance_id, body: row.body }));
  }

  async markEventSent(id: bigint): Promise<void> {
    await this.#db.query("UPDATE executor_events SET sent_at = now() WHERE id = $1", [id]);
  }
}
