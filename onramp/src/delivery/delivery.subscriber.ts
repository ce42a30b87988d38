import type { IndexSubscriber } from "@gpuc/indexer";
import type { Logger } from "@gpuc/platform";
import type { Confirmed, DeliveriesRepository } from "./deliveries.repository.ts";
import type { DeliveryService } from "./delivery.service.ts";

export interface DeliverySubscriberOptions {
  readonly deliveries: DeliveriesRepository;
  readonly delivery: DeliveryService;
  readonly confirmations: number;
  readonly log: Logger;
  /** Called after the commit with the orders a block delivered (metrics: payment → delivery latency). */
  readonly onDelivered?: (confirmed: readonly Confirmed[], at: Date) => void;
  readonly now?: () => Date;
}

/**
 * Follows the deliveries on chain through the indexer: a block holding a delivery's outputs (the indexer keeps
 * every box holding GPUC) marks it included, its orders become `delivered` once it has the confirmations, and a
 * rollback undoes both, in the same database transaction as the block. After each block the delivery step runs:
 * it resends what a rollback or a restart left pending and pays the next batch.
 */
export function deliverySubscriber(options: DeliverySubscriberOptions): IndexSubscriber {
  const now = options.now ?? (() => new Date());
  let delivered: Confirmed[] = [];
  return {
    name: "onramp-deliveries",
    async onBlock(block, changes) {
      delivered = [];
      const txIds = [...new Set(changes.created.map((box) => box.txId))];
      await options.deliveries.markIncluded(txIds, block.height);
      delivered = await options.deliveries.confirm(block.height, options.confirmations, now());
    },
    async onRollback(forkHeight) {
      delivered = [];
      await options.deliveries.rollback(forkHeight, now());
    },
    async afterCommit() {
      if (delivered.length > 0) options.onDelivered?.(delivered, now());
      delivered = [];
      const tick = await options.delivery.tick();
      if (tick.delivered) options.log.info("ONRAMP_DELIVERY_SENT", { ...tick.delivered });
    },
  };
}
