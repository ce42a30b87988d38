import type { InstanceEvent, ProviderRentalEvent, ReceiptBatch, Rental, SignedHeartbeat } from "@gpuc/sdk";

/**
 * The marketplace as the agent needs it: this provider's side of the API. `HttpMarketplaceClient` (over
 * @gpuc/sdk's `MarketplaceClient`) is the real one.
 */
export interface AgentMarketplace {
  sendHeartbeat(heartbeat: SignedHeartbeat): Promise<void>;
  /**
   * Pushes that a rental of this provider changed, so the agent takes it on at once instead of at its next poll
   * (reconnecting after a drop; throws when the marketplace refuses). Absent: the marketplace is only polled.
   */
  rentalChanges?(options: { signal: AbortSignal }): AsyncIterable<ProviderRentalEvent>;
  /** The rentals this provider must run: Funded, Starting, Running and Stopping ones. */
  assignedRentals(): Promise<readonly Rental[]>;
  reportEvent(instanceId: string, event: InstanceEvent): Promise<void>;
  /** Publishes the signed receipts one settlement transaction carries the Merkle root of (idempotent on its tx id). */
  putReceiptBatch(batch: ReceiptBatch): Promise<void>;
}
