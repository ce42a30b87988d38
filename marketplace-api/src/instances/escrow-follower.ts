import type { IndexedBox, IndexStore } from "@gpuc/indexer";
import type { EscrowState, OpeningTerms } from "@gpuc/offchain";
import { crashPoint, type Database, type Logger } from "@gpuc/platform";
import { type NetworkName, p2pkTree } from "../chain/address.ts";
import { instanceIdOf } from "../chain/gateway.ts";
import type { Clock } from "../core/clock.ts";
import type { ProvidersRepository } from "../providers/providers.repository.ts";
import type { EscrowRefunds } from "./escrow-refunds.ts";
import type { IndexedEscrows } from "./indexed-escrows.ts";
import type { InstanceRow, InstancesRepository } from "./instances.repository.ts";
import type { InstanceTransitions } from "./transitions.ts";

export interface EscrowFollowerDeps {
  db: Database;
  repo: InstancesRepository;
  providers: ProvidersRepository;
  index: Pick<IndexStore, "box">;
  /** The escrows of the index, read and followed by offchain. */
  escrows: IndexedEscrows;
  refunds: EscrowRefunds;
  transitions: InstanceTransitions;
  clock: Clock;
  log: Logger;
  network: NetworkName;
  /** Wall-clock length of one billing hour (seconds); a devnet makes it short. */
  billingHourS: number;
  /** Blocks before its inclusion an opening escrow's startHeight may lie (see ESCROW_START_SLACK_BLOCKS). */
  escrowStartSlackBlocks: number;
}

/**
 * Rentals follow their escrow on chain: an opening box funds a Created rental, a recreated one (claim or top-up)
 * moves it along, a rollback rewinds it, and a rental whose escrow never confirms expires.
 */
export class EscrowFollower {
  constructor(private readonly d: EscrowFollowerDeps) {}

  /**
   * An escrow box was confirmed. A first escrow with exactly the agreed terms funds its instance; a recreated one
   * (claim or top-up, R8 = the previous box) moves the instance to it and extends the prepaid time. An opening
   * escrow the rental cannot take (it is no longer Created, or the terms or clock differ) is queued for an
   * arbiter refund. Runs in the indexer's block transaction.
   */
  async onEscrowBox(box: IndexedBox): Promise<void> {
    const escrow = this.d.escrows.read(box);
    const id = escrow && instanceIdOf(escrow.rentalId);
    if (!escrow || !id) return;
    await this.d.db.transaction(async () => {
      const row = await this.d.repo.find(id, true);
      if (!row) return;
      if (escrow.parentBoxId === undefined) await this.onOpening(row, box, escrow);
      else if (row.escrow_box_id !== null && escrow.parentBoxId === row.escrow_box_id)
        await this.followIfSuccessor(row, box, escrow);
    });
  }

  /**
   * An escrow box was spent. When its transaction left no successor escrow (a claim or top-up would), it closed
   * the rental — provider close, consumer exit, expiry refund or arbiter resolve — and is the rental's settlement
   * transaction, whoever sent it. Runs in the indexer's block transaction, after the block's new boxes.
   */
  async onEscrowSpent(box: IndexedBox, created: readonly IndexedBox[]): Promise<void> {
    const txId = box.spentTxId;
    if (!txId || created.some((other) => other.kind === "escrow" && other.txId === txId)) return;
    const escrow = this.d.escrows.read(box);
    const id = escrow && instanceIdOf(escrow.rentalId);
    if (!id) return;
    const row = await this.d.repo.find(id, true);
    if (!row || row.escrow_box_id !== box.boxId || row.settlement_tx_id === txId) return;
    await this.d.repo.setSettlementTx(row.id, txId, this.d.clock.now());
    this.d.log.info("ESCROW_CLOSED", { instanceId: row.id, escrowBoxId: box.boxId, settlementTxId: txId });
  }

  /**
   * After a rollback: an instance whose escrow box was unwound goes back to the escrow still on chain (a top-up
   * or claim was undone), or — when it was funded by the unwound block — back to Created, to be funded again
   * when the transaction is re-mined.
   */
  async onRollback(): Promise<void> {
    for (const stale of await this.d.repo.withUnwoundEscrow()) {
      await this.d.db.transaction(async () => {
        const row = await this.d.repo.find(stale.id, true);
        if (!row?.escrow_box_id || (await this.d.index.box(row.escrow_box_id))) return;
        await this.rewind(row);
      });
    }
  }

  /** Fails Created instances whose escrow did not confirm within `maxAgeMs`, freeing their GPU. */
  async expireUnfunded(maxAgeMs: number): Promise<number> {
    const before = new Date(this.d.clock.now().getTime() - maxAgeMs);
    const stale = await this.d.repo.createdBefore(before);
    for (const row of stale)
      await this.d.transitions.move(row.id, () => "Failed", { detail: "escrow not confirmed in time" });
    return stale.length;
  }

  private async onOpening(row: InstanceRow, box: IndexedBox, escrow: EscrowState): Promise<void> {
    if (box.boxId === row.opening_box_id || box.boxId === row.escrow_box_id) return; // seen again after a rollback
    const refused =
      row.state === "Created" ? await this.fundFrom(row, box, escrow) : `the rental is already ${row.state}`;
    if (refused) await this.d.refunds.queue(row, escrow, refused);
  }

  /**
   * Moves the instance to `box` only if it genuinely recreated the instance's current escrow box: created by the
   * transaction that spent it, as exactly what a claim or a top-up leaves (`verifySuccessor`).
   */
  private async followIfSuccessor(row: InstanceRow, box: IndexedBox, escrow: EscrowState): Promise<void> {
    const mismatch = await this.d.escrows.successorMismatch(row.escrow_box_id!, escrow);
    if (mismatch) {
      this.d.log.warn("ESCROW_SUCCESSOR_REFUSED", { instanceId: row.id, boxId: box.boxId, mismatch });
      return;
    }
    const extra = escrow.prepaidHours - row.hours;
    const expiresAt =
      extra > 0 && row.expires_at
        ? new Date(row.expires_at.getTime() + extra * this.d.billingHourS * 1000)
        : undefined;
    await this.d.repo.transition(
      row,
      row.state,
      { escrowBoxId: escrow.boxId, hours: escrow.prepaidHours, expiresAt },
      this.d.clock.now(),
    );
    if (extra > 0) this.d.log.info("INSTANCE_TOPPED_UP", { instanceId: row.id, hours: escrow.prepaidHours });
  }

  /** Funds the instance from its opening escrow; resolves to why not when the escrow does not match. */
  private async fundFrom(
    row: InstanceRow,
    box: IndexedBox,
    escrow: EscrowState,
  ): Promise<string | undefined> {
    const provider = await this.d.providers.find(row.provider_id);
    const mismatch = provider
      ? await this.d.escrows.openingMismatch(box, escrow, this.openingTerms(row, provider.owner_address))
      : "the rental's provider is gone";
    if (mismatch) {
      this.d.log.warn("ESCROW_TERMS_MISMATCH", { instanceId: row.id, boxId: escrow.boxId, mismatch });
      return mismatch;
    }
    const now = this.d.clock.now();
    await this.d.repo.transition(
      row,
      "Funded",
      {
        escrowBoxId: escrow.boxId,
        openingBoxId: escrow.boxId,
        startHeight: escrow.startHeight,
        fundedAt: now,
        expiresAt: new Date(now.getTime() + row.hours * this.d.billingHourS * 1000),
      },
      now,
    );
    this.d.log.info("INSTANCE_FUNDED", { instanceId: row.id, boxId: escrow.boxId });
    crashPoint("marketplace.funding.recorded");
    return undefined;
  }

  /**
   * The escrow the consumer opened must carry exactly the agreed parties, price, hours and GPUC, nothing paid, and
   * a billing clock that starts near the block that includes it: a start in the future leaves nothing claimable
   * (the provider would work unpaid and the consumer exit owing nothing); one long before it would let the
   * provider claim hours never served (ESCROW_START_SLACK_BLOCKS).
   */
  private openingTerms(row: InstanceRow, providerAddress: string): OpeningTerms {
    return {
      consumer: p2pkTree(row.consumer_address, this.d.network),
      provider: p2pkTree(providerAddress, this.d.network),
      pricePerHour: row.price_per_hour,
      prepaidHours: row.hours,
      gpuc: row.amount,
      startSlackBlocks: this.d.escrowStartSlackBlocks,
    };
  }

  /**
   * Re-follows the escrow lineage from the box the consumer opened (never "any box naming the rental": anyone can
   * create one) to its last indexed recreation.
   */
  private async rewind(row: InstanceRow): Promise<void> {
    const now = this.d.clock.now();
    const escrow = row.opening_box_id ? await this.d.escrows.tip(row.opening_box_id) : undefined;
    if (escrow) {
      const fewer = row.hours - escrow.prepaidHours;
      const expiresAt =
        row.expires_at && new Date(row.expires_at.getTime() - fewer * this.d.billingHourS * 1000);
      await this.d.repo.revertEscrow(row, escrow.boxId, escrow.prepaidHours, expiresAt, now);
      this.d.log.warn("INSTANCE_ESCROW_REWOUND", { instanceId: row.id, boxId: escrow.boxId });
    } else if (row.state === "Funded") {
      await this.d.repo.unfund(row, "the block funding the escrow was rolled back", now);
      this.d.log.warn("INSTANCE_FUNDING_ROLLED_BACK", { instanceId: row.id, escrowTxId: row.escrow_tx_id });
    } else {
      // Already running: the executor bills against the escrow, which a re-mined transaction restores.
      this.d.log.warn("INSTANCE_ESCROW_UNWOUND", { instanceId: row.id, state: row.state });
    }
  }
}
