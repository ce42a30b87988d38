import { assert } from "@gpuc/platform/http";

/**
 * What disputes and resolutions need of the usage receipts (receipts/ implements it): declared here, so that
 * instances/ does not depend on receipts/, which reads instances.
 */
export interface DisputedReceipts {
  hasLeaf(instanceId: string, leaf: string): Promise<boolean>;
  setReceiptLeaves(instanceId: string, leaves: { disputed?: string; resolved?: string }): Promise<void>;
}

/** A dispute or a resolution names a receipt of this rental, or nothing: another leaf is a 422 that says where to look. */
export async function assertReceiptOf(
  receipts: Pick<DisputedReceipts, "hasLeaf">,
  instanceId: string,
  leaf: string,
): Promise<void> {
  assert(
    await receipts.hasLeaf(instanceId, leaf),
    422,
    `Receipt ${leaf} is not one of instance ${instanceId}'s; name a leaf from GET /api/v1/instances/${instanceId}/receipts`,
  );
}
