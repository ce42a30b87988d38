import type { IndexStore } from "@gpuc/indexer";
import type { Logger } from "@gpuc/platform";
import { assert } from "@gpuc/platform/http";
import { ENDED_STATES, type Instance, type InstanceState } from "@gpuc/sdk";
import type { Clock } from "../core/clock.ts";
import type { Principal } from "../core/route.ts";
import type { ArbiterService } from "./arbiter.service.ts";
import { assertReceiptOf, type DisputedReceipts } from "./dispute-receipts.ts";
import { toInstance } from "./instance-views.ts";
import type { InstanceRow, InstancesRepository } from "./instances.repository.ts";
import type { InstanceTransitions } from "./transitions.ts";

const ENDED: readonly InstanceState[] = ENDED_STATES;
export interface DisputesDeps {
  repo: InstancesRepository;
  index: Pick<IndexStore, "box">;
  transitions: InstanceTransitions;
  /** Without an arbiter key a silent provider's rental fails unsettled (the consumer can still exit on chain). */
  arbiter?: ArbiterService;
  /** The instances' usage receipts: a dispute may name one. */
  receipts: DisputedReceipts;
  clock: Clock;
  log: Logger;
}

/** Rentals gone wrong: a consumer's dispute, and the marketplace's verdict on a provider that went silent. */
export class DisputesService {
  constructor(private readonly d: DisputesDeps) {}

  /**
   * The consumer disputes the rental (e.g. the GPU was not as listed); the arbiter resolves it. A Failed rental
   * (an executor can report its own rental Failed) is disputable while its escrow is unspent and unsettled. A
   * dispute may name one of the rental's usage receipts by its leaf hash (422 for a leaf that is not the rental's).
   */
  async dispute(principal: Principal, id: string, reason: string, receiptLeaf?: string): Promise<Instance> {
    const row = await this.d.transitions.consumerOwned(principal, id);
    if (row.state === "Failed") await this.assertEscrowOpen(row);
    if (receiptLeaf) await assertReceiptOf(this.d.receipts, id, receiptLeaf);
    const now = this.d.clock.now();
    await this.d.transitions.move(id, () => "Disputed", {
      disputeReason: reason,
      disputedAt: now,
      detail: reason,
    });
    if (receiptLeaf) await this.d.receipts.setReceiptLeaves(id, { disputed: receiptLeaf });
    this.d.log.warn("INSTANCE_DISPUTED", { instanceId: id, receiptLeaf });
    return toInstance((await this.d.repo.find(id))!);
  }

  /**
   * A rental whose provider went silent: the arbiter refunds the escrow with a provider share of 0 (the provider
   * keeps the hours it already claimed), then the rental is Failed with reason provider_down.
   */
  async closeProviderDown(id: string): Promise<void> {
    const row = await this.d.repo.find(id);
    if (!row || ENDED.includes(row.state)) return;
    let settlementTxId: string | undefined;
    if (row.escrow_box_id && this.d.arbiter) settlementTxId = await this.d.arbiter.refund(row);
    else
      this.d.log.warn("REFUND_NOT_SETTLED", {
        instanceId: id,
        detail: "no settlement configured or no escrow box",
      });
    await this.d.transitions.move(id, () => "Failed", {
      reason: "provider_down",
      settlementTxId,
      detail: "missed heartbeats",
    });
    this.d.log.warn("INSTANCE_PROVIDER_DOWN", { instanceId: id, settlementTxId });
  }

  /** A Failed rental is disputable only while its escrow is on chain, unspent, and no refund was signed. */
  private async assertEscrowOpen(row: InstanceRow): Promise<void> {
    const box = row.escrow_box_id ? await this.d.index.box(row.escrow_box_id) : undefined;
    assert(
      box && box.spentTxId === null && row.settlement_tx_id === null,
      409,
      `Instance ${row.id} is Failed and its escrow is settled or gone; there is nothing left to dispute`,
    );
  }
}
