import type { Logger } from "@gpuc/platform";
import { assert, HttpError } from "@gpuc/platform/http";
import type { Instance } from "@gpuc/sdk";
import { SettlementBoxMissingError } from "../chain/arbiter-settlement.ts";
import type { Settlement } from "../chain/gateway.ts";
import type { Clock } from "../core/clock.ts";
import { assertReceiptOf, type DisputedReceipts } from "./dispute-receipts.ts";
import { toInstance } from "./instance-views.ts";
import type { InstanceRow, InstancesRepository } from "./instances.repository.ts";
import type { EscrowRefundsRepository } from "./refunds.repository.ts";
import type { InstanceTransitions } from "./transitions.ts";

export interface ArbiterDeps {
  repo: InstancesRepository;
  refunds: EscrowRefundsRepository;
  transitions: InstanceTransitions;
  /** Signs and submits the arbiter's resolve of an escrow. */
  settlement: Settlement;
  /** The instances' usage receipts: a resolution records the one it was about. */
  receipts: DisputedReceipts;
  clock: Clock;
  log: Logger;
  /** Blocks a Failed rental's escrow may stay unspent before the arbiter refunds it. */
  failedEscrowRefundAfterBlocks: number;
}

/**
 * The arbiter's money moves, each at most once per escrow: resolving a dispute, refunding a rental whose
 * provider went silent or that failed with its escrow unspent, and refunding escrows no rental could take.
 * Built only where an arbiter key is configured.
 */
export class ArbiterService {
  /** Instances whose resolve is between reading the row and recording its settlement. */
  readonly #resolving = new Set<string>();

  constructor(private readonly d: ArbiterDeps) {}

  /**
   * Resolves a dispute on chain: `providerShare` GPUC units (gross; the fee is taken from it) to the provider, the
   * rest of the escrow to the consumer. The rental ends Resolved with reason arbiter, recording the usage receipt
   * the resolution was about: `receiptLeaf` (422 when it is not the rental's), else the one the dispute named.
   */
  async resolve(id: string, providerShare: bigint, receiptLeaf?: string): Promise<Instance> {
    // Two resolves racing would both read Disputed with no settlement yet and build two spends of one escrow: the
    // second was rejected by the node as a double spend, a 500. One at a time; the loser learns why.
    if (this.#resolving.has(id))
      throw new HttpError(
        409,
        `A resolve of instance ${id} is already under way; read the instance for its outcome`,
      );
    this.#resolving.add(id);
    try {
      return await this.#resolve(id, providerShare, receiptLeaf);
    } finally {
      this.#resolving.delete(id);
    }
  }

  async #resolve(id: string, providerShare: bigint, receiptLeaf?: string): Promise<Instance> {
    const row = await this.d.repo.find(id);
    assert(row, 404, `Instance ${id} not found`);
    assert(
      row.state === "Disputed",
      409,
      `Instance ${id} is ${row.state}; only a Disputed instance is resolved`,
    );
    assert(row.escrow_box_id, 409, `Instance ${id} has no escrow on chain to resolve`);
    if (receiptLeaf) await assertReceiptOf(this.d.receipts, id, receiptLeaf);
    const receipt = receiptLeaf ?? row.dispute_receipt_leaf ?? undefined;
    let settlementTxId: string;
    try {
      settlementTxId = await this.settle(row, providerShare);
    } catch (error) {
      if (error instanceof SettlementBoxMissingError) throw new HttpError(409, error.message);
      throw error;
    }
    await this.d.transitions.move(id, () => "Resolved", {
      reason: "arbiter",
      settlementTxId,
      detail: `provider share ${providerShare} GPUC units${receipt ? `; receipt ${receipt}` : ""}`,
    });
    if (receipt) await this.d.receipts.setReceiptLeaves(id, { resolved: receipt });
    this.d.log.info("INSTANCE_RESOLVED", { instanceId: id, providerShare, settlementTxId, receipt });
    return toInstance((await this.d.repo.find(id))!);
  }

  /** Refunds a rental in full less what the provider already claimed (provider share 0); resolves to the tx id. */
  refund(row: InstanceRow): Promise<string> {
    return this.settle(row, 0n);
  }

  /**
   * After each block: a rental Failed for `failedEscrowRefundAfterBlocks` whose escrow is still unspent (the
   * executor reported it Failed and closed nothing) is refunded with provider share 0: the hours the provider
   * claimed are already paid, the rest goes back to the consumer. Resolves to the ids refunded.
   */
  async refundFailedEscrows(height: number): Promise<string[]> {
    await this.d.repo.stampFailedHeight(height);
    const refunded: string[] = [];
    for (const row of await this.d.repo.failedWithUnspentEscrow(
      height - this.d.failedEscrowRefundAfterBlocks,
    )) {
      try {
        if (row.settlement_tx_id && (await this.d.settlement.status(row.settlement_tx_id)) !== "unknown")
          continue;
        const txId = await this.settle(row, 0n);
        this.d.log.warn("FAILED_ESCROW_REFUNDED", { instanceId: row.id, boxId: row.escrow_box_id, txId });
        refunded.push(row.id);
      } catch (error) {
        this.d.log.warn("FAILED_ESCROW_REFUND_FAILED", { instanceId: row.id, error });
      }
    }
    return refunded;
  }

  /**
   * Submits the refund of every queued escrow still unspent (see `EscrowRefunds.queue`), at most once per box: a
   * refund the chain still knows (confirmed or in the mempool) is left alone; a lost one is built again. Run
   * after each indexed block; a failure is logged and retried at the next one. Resolves to the number submitted.
   */
  async refundPending(): Promise<number> {
    let submitted = 0;
    for (const refund of await this.d.refunds.pending()) {
      try {
        if (refund.tx_id && (await this.d.settlement.status(refund.tx_id)) !== "unknown") continue;
        const txId = await this.d.settlement.resolve(refund.box_id, 0n, (signedId) =>
          this.d.refunds.setTx(refund.box_id, signedId, this.d.clock.now()),
        );
        this.d.log.info("ESCROW_REFUNDED", { instanceId: refund.instance_id, boxId: refund.box_id, txId });
        submitted++;
      } catch (error) {
        this.d.log.warn("ESCROW_REFUND_FAILED", {
          instanceId: refund.instance_id,
          boxId: refund.box_id,
          error,
        });
      }
    }
    return submitted;
  }

  /**
   * At most once per escrow: a settlement submitted earlier (persisted before it was sent) that the chain still
   * knows is reused; otherwise a new one is signed, persisted and submitted.
   */
  private async settle(row: InstanceRow, providerShare: bigint): Promise<string> {
    const { settlement } = this.d;
    if (row.settlement_tx_id && (await settlement.status(row.settlement_tx_id)) !== "unknown") {
      this.d.log.info("SETTLEMENT_ALREADY_SUBMITTED", { instanceId: row.id, txId: row.settlement_tx_id });
      return row.settlement_tx_id;
    }
    const txId = await settlement.resolve(row.escrow_box_id!, providerShare, (signedId) =>
      this.d.repo.setSettlementTx(row.id, signedId, this.d.clock.now()),
    );
    this.d.log.info("SETTLEMENT_SUBMITTED", { instanceId: row.id, txId, providerShare });
    return txId;
  }
}
