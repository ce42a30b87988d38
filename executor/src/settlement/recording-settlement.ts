import { randomBytes } from "node:crypto";
import type { Database } from "@gpuc/platform";
import { EscrowClosedError, PeriodAlreadyClaimedError, SettlementRejectedError } from "./errors.ts";
import type {
  ClaimItem,
  ClaimProof,
  CloseRequest,
  EscrowRef,
  EscrowState,
  Settlement,
  SubmittedTx,
} from "./settlement.ts";

const UNIQUE_VIOLATION = "23505";

/**
 * A settlement that records claims and closes in PostgreSQL (migration 002) instead of sending transactions:
 * for tests and for running an executor without a chain. Like the escrow contract, it refuses a period twice,
 * a period beyond the prepaid ones, and anything after the close.
 */
export class RecordingSettlement implements Settlement {
  readonly kind = "recording";
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  claim(items: readonly ClaimItem[], proof: ClaimProof = {}): Promise<SubmittedTx> {
    const txId = randomBytes(32).toString("hex");
    return this.#db.transaction(async () => {
      for (const item of items) await this.#claimOne(item, txId);
      await this.#recordRoot(txId, proof.receiptsRoot);
      return { txId };
    });
  }

  /** The receipts root a recorded transaction carried (what R5 of its provider payout holds on chain). */
  async receiptsRoot(txId: string): Promise<string | undefined> {
    const [row] = await this.#db.query<{ receipts_root: string }>(
      "SELECT receipts_root FROM recorded_settlement_roots WHERE tx_id = $1",
      [txId],
    );
    return row?.receipts_root;
  }

  async #recordRoot(txId: string, root: string | undefined): Promise<void> {
    if (root === undefined) return;
    await this.#db.query("INSERT INTO recorded_settlement_roots (tx_id, receipts_root) VALUES ($1, $2)", [
      txId,
      root,
    ]);
  }

  async #claimOne(item: ClaimItem, txId: string): Promise<void> {
    const { instanceId, prepaidPeriods, pricePerPeriod } = item.escrow;
    if (await this.#isClosed(instanceId)) throw new EscrowClosedError(instanceId);
    if (item.toPeriod > prepaidPeriods || item.fromPeriod < 1 || item.fromPeriod > item.toPeriod) {
      throw new SettlementRejectedError(
        instanceId,
        `periods ${item.fromPeriod}..${item.toPeriod} out of range`,
      );
    }
    const periods = item.toPeriod - item.fromPeriod + 1;
    if (item.amount !== BigInt(periods) * pricePerPeriod) {
      throw new SettlementRejectedError(instanceId, `amount ${item.amount} ≠ ${periods} × ${pricePerPeriod}`);
    }
    for (let period = item.fromPeriod; period <= item.toPeriod; period++) {
      try {
        await this.#db.query(
          "INSERT INTO recorded_settlement_claims (instance_id, period, amount, tx_id) VALUES ($1, $2, $3, $4)",
          [instanceId, period, pricePerPeriod, txId],
        );
      } catch (error) {
        if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
          throw new PeriodAlreadyClaimedError(instanceId, period);
        }
        throw error;
      }
    }
  }

  async close(request: CloseRequest): Promise<SubmittedTx> {
    const { instanceId, prepaidPeriods, pricePerPeriod } = request.escrow;
    const txId = randomBytes(32).toString("hex");
    return this.#db.transaction(async () => {
      const { paidPeriods, closed } = await this.escrowState(request.escrow);
      if (closed) throw new EscrowClosedError(instanceId);
      const remaining = BigInt(prepaidPeriods - paidPeriods) * pricePerPeriod;
      if (request.providerAmount + request.consumerRefund !== remaining) {
        throw new SettlementRejectedError(instanceId, `split does not add up to the remaining ${remaining}`);
      }
      await this.#db.query(
        `INSERT INTO recorded_settlement_closes
           (instance_id, billed_seconds, provider_amount, consumer_refund, reason, tx_id)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          instanceId,
          request.billedSeconds,
          request.providerAmount,
          request.consumerRefund,
          request.reason,
          txId,
        ],
      );
      await this.#recordRoot(txId, request.receiptsRoot);
      return { txId };
    });
  }

  async escrowState(escrow: EscrowRef): Promise<EscrowState> {
    const [row] = await this.#db.query<{ paid: number }>(
      "SELECT count(*)::int AS paid FROM recorded_settlement_claims WHERE instance_id = $1",
      [escrow.instanceId],
    );
    return { paidPeriods: row?.paid ?? 0, closed: await this.#isClosed(escrow.instanceId) };
  }

  /** No chain to check against: the marketplace's terms are taken as they are. */
  async verify(escrow: EscrowRef): Promise<EscrowRef> {
    return escrow;
  }

  async #isClosed(instanceId: string): Promise<boolean> {
    const rows = await this.#db.query("SELECT 1 FROM recorded_settlement_closes WHERE instance_id = $1", [
      instanceId,
    ]);
    return rows.length > 0;
  }
}
