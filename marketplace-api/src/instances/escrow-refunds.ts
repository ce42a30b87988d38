import type { EscrowState } from "@gpuc/offchain";
import type { Logger } from "@gpuc/platform";
import { type NetworkName, p2pkTree } from "../chain/address.ts";
import type { Clock } from "../core/clock.ts";
import type { InstanceRow } from "./instances.repository.ts";
import type { EscrowRefundsRepository } from "./refunds.repository.ts";

/**
 * Escrows the marketplace will not serve — confirming after their rental failed (stopped or expired while the
 * funding transaction was pending), a second opening of a funded rental, or with other terms or clock — would
 * otherwise leave the consumer only exits that pay the provider for no service. The arbiter refunds each in
 * full (provider share 0). Only an escrow that names the rental's consumer (R4, where the refund goes), holds
 * GPUC only and at least one hour at the rental's price is refunded, so arbiter fees cannot be drained by dust.
 * This queues them (in the indexer's block transaction); `ArbiterService.refundPending` submits the refunds.
 */
export class EscrowRefunds {
  constructor(
    private readonly repo: EscrowRefundsRepository,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly network: NetworkName,
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
}
