import type { HeartbeatReceipt, Instance, Rental } from "@gpuc/sdk";

/** The provider's id at the test marketplaces (the executor's test provider ids are Docker label values, not uuids). */
const PROVIDER_UUID = "00000000-0000-4000-8000-00000000feed";

/**
 * What the marketplace answers an accepted heartbeat, for the test marketplaces: the executor's client validates
 * it with the API's own schema, as it does the real one's.
 */
export function heartbeatReceipt(now = new Date()): HeartbeatReceipt {
  return {
    providerId: PROVIDER_UUID,
    online: true,
    reliability: 1,
    receivedAt: now.toISOString(),
    nextDueBy: new Date(now.getTime() + 60_000).toISOString(),
  };
}

/** The instance the marketplace answers a reported event with (`POST /api/v1/instances/{id}/events`). */
export function instanceReply(rental: Rental, state: Instance["state"]): Instance {
  const now = new Date().toISOString();
  return {
    id: rental.id,
    state,
    consumerAddress: "3WwXpssaZwcNzaGMv3AgxBdTPJQBt5gCmqBsg3DykQ39bYdhJBsN",
    providerId: PROVIDER_UUID,
    gpuId: "00000000-0000-4000-8000-000000000000",
    image: rental.image,
    cmd: rental.cmd ?? null,
    ports: rental.ports ?? null,
    hours: rental.hours,
    pricePerHour: rental.pricePerHour,
    amount: String(BigInt(rental.pricePerHour) * BigInt(rental.hours)),
    escrowTxId: null,
    escrowBoxId: rental.escrowBoxId,
    startHeight: rental.startHeight,
    fundedAt: now,
    expiresAt: null,
    closeReason: null,
    closeDetail: null,
    billedSeconds: null,
    settlementTxId: null,
    disputeReason: null,
    executorUrl: null,
    createdAt: now,
    updatedAt: now,
  };
}
