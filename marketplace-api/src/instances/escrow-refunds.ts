import type { EscrowState } from "@gpuc/offchain";
import type { Logger } from "@gpuc/platform";
import { type NetworkName, p2pkTree } from "../chain/address.ts";
import type { Settlement } from "../chain/gateway.ts";
import type { Clock } from "../core/clock.ts";
import type { InstanceRow } from "./instances.repository.ts";
import type { EscrowRefundsRepository } from "./refunds.repository.ts";

/**
 * Escrows the marketplace will not serve — confirming after their rental failed (stopped or expired while the
 * funding transaction was pending), a second opening of a funded rental, or with other terms or clock — would
 * otherwise leave the consumer only exits that pay the provider for no service. The arbiter refunds each in
 * full (provider share 0). Only an escrow that names the rental's consumer (R4, where the refund goes), holds
 * GPUC only and at least one hour at the rental's price is refunded, so arbiter fees cannot be drained by dust.
 */
export class EscrowRefunds {
  constructor(
    private readonly repo: EscrowRefundsRepository,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly network: NetworkName,
    private readonly settlement?: Settlement,
  ) {}

  /** Queues `escrow` for a refund if it is the rental's consumer's money; `reason` says why it is not served. */
  async queue(row: InstanceRow, escrow: EscrowState, reason: string): Promise<void> {
    // An EscrowState holds GPUC only (offchain's parseEscrowBox refuses any other box).
    const consumers = escrow.consumer === p2pkTree(row.consumer_address, this.network);
    if (!consumers || escrow.gpuc < row.price_per_hour) {
      this.log.warn("ESCROW_IGNORED", { instanceId: row.id, boxId: escrow.boxId, reason });
      return;
    }
    await this.repo.add(escrow.boxId, row.id, reason, this.clock.now());
    this.log.warn("ESCROW_REFUND_QUEUED", { instanceId: row.id, boxId: escrow.boxId, reason });
  }

  /**
   * Submits the refund of every queued escrow still unspent, at most once per box: a refund the chain still
   * knows (confirmed or in the mempool) is left alone; a lost one is built again. Run after each indexed block;
   * a failure is logged and retried at the next one. Resolves to the number submitted.
   */
  async refundPending(): Promise<number> {
    const settlement = this.settlement;
    if (!settlement) return 0;
    let submitted = 0;
    for (const refund of await this.repo.pending()) {
      try {
        if (refund.tx_id && (await settlement.status(refund.tx_id)) !== "unknown") continue;
        const txId = await settlement.resolve(refund.box_id, 0n, (signedId) =>
          this.repo.setTx(refund.box_id, signedId, this.clock.now()),
        );
        this.log.info("ESCROW_REFUNDED", { instanceId: refund.instance_id, boxId: refund.box_id, txId });
        submitted++;
      } catch (error) {
        this.log.warn("ESCROW_REFUND_FAILED", {
          instanceId: refund.instance_id,
          boxId: refund.box_id,
          error,
        });
      }
    }
    return submitted;
  }
}
