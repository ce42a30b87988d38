import type { Logger } from "@gpuc/platform";
import { receiptBatchRoot, type SignedReceipt } from "@gpuc/sdk";
import { type ClaimPolicy, claimDue as policyDue } from "../billing/claim-policy.ts";
import { completedPeriods, finalSplit } from "../billing/terms.ts";
import type { ProviderSigner } from "../keys/provider-signer.ts";
import type { Ledger, LedgerRental } from "../ledger/ledger.ts";
import type { ExecutorMetrics } from "../metrics.ts";
import { ReceiptIssuer } from "../receipts/issuer.ts";
import type { ClaimItem, EscrowState, Settlement } from "../settlement/settlement.ts";
import { escrowOf } from "./escrow.ts";

export interface BillerDeps {
  readonly ledger: Ledger;
  readonly settlement: Settlement;
  readonly metrics: ExecutorMetrics;
  readonly log: Logger;
  /** Signs the usage receipts whose Merkle root every claim and close carries. */
  readonly signer: ProviderSigner;
  readonly options: {
    readonly claimStaleSeconds: number;
    readonly settlementRetryMs: number;
    readonly claimPolicy: ClaimPolicy;
  };
}

/** A claim item with the ledger rental it bills (its receipts are built from it). */
interface DueClaim {
  readonly item: ClaimItem;
  readonly rental: LedgerRental;
}

export type EndState = "Completed" | "Failed";

/**
 * Turns metered seconds into money, exactly once: each elapsed billing period is written to the ledger as
 * `submitting` before the settlement call, and any claim whose outcome is unknown (crash, timeout) is
 * resolved against the escrow's own paid-period count before anything more is claimed.
 */
export class Biller {
  readonly #d: BillerDeps;
  readonly #receipts: ReceiptIssuer;
  #claimRetryAt = 0;
  readonly #closeRetryAt = new Map<string, number>();

  constructor(deps: BillerDeps) {
    this.#d = deps;
    this.#receipts = new ReceiptIssuer(deps.ledger.receipts, deps.signer);
  }

  /**
   * Claims every rental's elapsed, unclaimed whole periods in one settlement transaction — stopping ones too,
   * so the close only has the last partial period left to settle.
   */
  async claimDue(): Promise<void> {
    if (Date.now() < this.#claimRetryAt) return;
    const { ledger, metrics, log } = this.#d;
    const due: DueClaim[] = [];
    for (const rental of await ledger.active()) {
      if (rental.state === "Starting") continue;
      // One rental whose escrow cannot be read (chain hiccup, a box the node does not show) must not hold back
      // the claims of all the others: it is skipped this cycle and tried again on the next.
      try {
        const item = await this.#dueItem(rental);
        if (item) due.push({ item, rental });
      } catch (error) {
        metrics.escrowChecksFailed.inc();
        log.warn("CLAIM_CHECK_FAILED", { instanceId: rental.instanceId, error });
      }
    }
    if (due.length === 0) return;
    await ledger.transaction(() => ledger.beginClaims(due.map(({ item }) => item)));
    if (await this.#submitClaims(due)) return;
    // A batch fails as a whole: claim each rental alone, so one refused escrow does not hold back the others.
    // The settlement refuses a period already paid, so a batch that did go through is not paid twice.
    if (due.length > 1) for (const one of due) await this.#submitClaims([one]);
    this.#claimRetryAt = Date.now() + this.#d.options.settlementRetryMs;
  }

  /**
   * Submits one claim transaction carrying the Merkle root of the receipts of every period it pays, then queues
   * those receipts for the marketplace; on failure the rows stay `submitting`, resolved against the escrow later.
   */
  async #submitClaims(due: readonly DueClaim[]): Promise<boolean> {
    const { ledger, settlement, metrics, log } = this.#d;
    const items = due.map(({ item }) => item);
    const periods = items.reduce((sum, item) => sum + item.toPeriod - item.fromPeriod + 1, 0);
    const amount = items.reduce((sum, item) => sum + item.amount, 0n);
    try {
      const receipts: SignedReceipt[] = [];
      for (const { item, rental } of due) {
        receipts.push(...(await this.#receipts.issue(rental, item.fromPeriod, item.toPeriod)));
      }
      const root = receiptBatchRoot(receipts);
      const { txId } = await settlement.claim(items, { receiptsRoot: root });
      await ledger.transaction(async () => {
        await ledger.markClaimsSubmitted(items, txId);
        await ledger.receipts.recordBatch({ txId, root, receipts });
      });
      metrics.claimsSubmitted.inc(periods);
      metrics.earned.inc(Number(amount));
      log.info("CLAIM_SUBMITTED", { txId, rentals: items.length, periods, amount });
      return true;
    } catch (error) {
      metrics.claimsFailed.inc();
      log.warn("CLAIM_FAILED", { rentals: items.map((item) => item.escrow.instanceId), periods, error });
      return false;
    }
  }

  /**
   * The claim a running rental is owed now, after aligning the ledger with the escrow; undefined if nothing
   * is due, or if the escrow is gone (then the rental is marked stopping).
   */
  async #dueItem(rental: LedgerRental): Promise<ClaimItem | undefined> {
    const { ledger, settlement } = this.#d;
    const { claimPolicy } = this.#d.options;
    const due = completedPeriods(rental.terms, rental.billedSeconds);
    const through = await ledger.claimedThrough(rental.instanceId);
    // Nothing to claim yet under the policy, and nothing in flight to resolve: the escrow need not even be read.
    const worthClaiming = policyDue(claimPolicy, rental.terms, through, due - through);
    if (!worthClaiming && !(await ledger.hasUnconfirmedClaims(rental.instanceId))) return undefined;
    const escrow = escrowOf(rental);
    const state = await settlement.escrowState(escrow);
    if (state.closed) {
      await this.#escrowGone(rental);
      return undefined;
    }
    await this.#followTopUp(rental, state);
    await this.#reconcile(rental, state.paidPeriods);
    const claimed = await ledger.claimedThrough(rental.instanceId);
    // Never ahead of the chain: a period the escrow does not yet count as elapsed waits for more blocks.
    const allowed =
      state.claimablePeriods === undefined ? due : Math.min(due, state.paidPeriods + state.claimablePeriods);
    if (!policyDue(claimPolicy, rental.terms, claimed, allowed - claimed)) return undefined;
    return {
      escrow,
      fromPeriod: claimed + 1,
      toPeriod: allowed,
      amount: BigInt(allowed - claimed) * rental.terms.pricePerPeriod,
    };
  }

  /**
   * Settles a stopped rental: the unclaimed whole periods and the last partial one to the provider, the rest
   * back to the consumer, in one close. Returns the end state, or undefined to retry later.
   */
  async close(rental: LedgerRental): Promise<EndState | undefined> {
    const id = rental.instanceId;
    if (Date.now() < (this.#closeRetryAt.get(id) ?? 0)) return undefined;
    const { ledger, settlement, metrics, log } = this.#d;
    const escrow = escrowOf(rental);
    const previous = await ledger.getClose(id);
    if (previous?.status === "submitted") return this.#end(rental);
    const state = await settlement.escrowState(escrow);
    if (previous?.status === "submitting") {
      // A close whose outcome was lost (crash, timeout): the escrow tells whether it went through.
      if (state.closed) {
        await ledger.markCloseSubmitted(id, null);
        return this.#end(rental);
      }
      await ledger.dropClose(id);
    }
    if (state.closed) return this.#end(rental, "the escrow was closed outside the executor");
    await this.#reconcile(rental, state.paidPeriods);
    // Claims still in flight first: the close spends the escrow box their transaction recreates.
    if (await ledger.hasUnconfirmedClaims(id)) return undefined;
    const claimedPeriods = await ledger.claimedThrough(id);
    const split = finalSplit(rental.terms, rental.billedSeconds, claimedPeriods);
    const receipts = await this.#closeReceipts(rental, claimedPeriods, split.providerAmount);
    if (receipts === undefined) return undefined;
    const root = receipts.length > 0 ? receiptBatchRoot(receipts) : undefined;
    await ledger.beginClose({
      instanceId: id,
      billedSeconds: rental.billedSeconds,
      ...split,
      reason: rental.stopReason,
    });
    try {
      const { txId, settled } = await settlement.close({
        escrow,
        billedSeconds: rental.billedSeconds,
        claimedPeriods,
        ...split,
        reason: rental.stopReason,
        ...(root ? { receiptsRoot: root } : {}),
      });
      await ledger.transaction(async () => {
        await ledger.markCloseSubmitted(id, txId, settled);
        if (root) await ledger.receipts.recordBatch({ txId, root, receipts });
      });
      const paid = settled ?? split;
      metrics.closes.inc({ result: "submitted" });
      metrics.earned.inc(Number(paid.providerAmount));
      log.info("ESCROW_CLOSED", { instanceId: id, txId, billedSeconds: rental.billedSeconds, ...paid });
    } catch (error) {
      this.#closeRetryAt.set(id, Date.now() + this.#d.options.settlementRetryMs);
      metrics.closes.inc({ result: "failed" });
      log.warn("CLOSE_FAILED", { instanceId: id, error });
      return undefined;
    }
    return this.#end(rental);
  }

  /**
   * The receipts of the periods a close pays (after the claimed ones, through the last metered one, which carries
   * the exit state); none when it pays the provider nothing. Undefined (retry later) when they cannot be written.
   */
  async #closeReceipts(
    rental: LedgerRental,
    claimedPeriods: number,
    providerAmount: bigint,
  ): Promise<SignedReceipt[] | undefined> {
    const last = Math.min(
      Math.ceil(rental.billedSeconds / rental.terms.periodSeconds),
      rental.terms.prepaidPeriods,
    );
    if (providerAmount === 0n || last <= claimedPeriods) return [];
    try {
      return await this.#receipts.issue(rental, claimedPeriods + 1, last, true);
    } catch (error) {
      this.#closeRetryAt.set(rental.instanceId, Date.now() + this.#d.options.settlementRetryMs);
      this.#d.log.warn("CLOSE_RECEIPTS_FAILED", { instanceId: rental.instanceId, error });
      return undefined;
    }
  }

  /**
   * Whether the consumer has topped up the escrow beyond the rental's prepaid periods (the ledger is updated
   * then); asked before a rental is stopped as exhausted. If the chain cannot be asked, it was not.
   */
  async toppedUp(rental: LedgerRental): Promise<boolean> {
    try {
      const state = await this.#d.settlement.escrowState(escrowOf(rental));
      return !state.closed && (await this.#followTopUp(rental, state));
    } catch (error) {
      this.#d.log.warn("TOP_UP_CHECK_FAILED", { instanceId: rental.instanceId, error });
      return false;
    }
  }

  /** Raises the ledger's prepaid periods to the escrow's (the escrow's own lineage, never the marketplace). */
  async #followTopUp(rental: LedgerRental, state: EscrowState): Promise<boolean> {
    const prepaid = state.prepaidPeriods;
    if (prepaid === undefined || prepaid <= rental.terms.prepaidPeriods) return false;
    if (!(await this.#d.ledger.extendPrepaid(rental.instanceId, prepaid))) return false;
    this.#d.log.info("RENTAL_TOPPED_UP", {
      instanceId: rental.instanceId,
      from: rental.terms.prepaidPeriods,
      to: prepaid,
    });
    return true;
  }

  async #reconcile(rental: LedgerRental, paidPeriods: number): Promise<void> {
    await this.#d.ledger.reconcileClaims(
      rental.instanceId,
      paidPeriods,
      rental.terms.pricePerPeriod,
      this.#d.options.claimStaleSeconds,
    );
  }

  /** The escrow vanished under a running rental (consumer exit, arbiter, expiry): stop serving it. */
  async #escrowGone(rental: LedgerRental): Promise<void> {
    const { ledger, log } = this.#d;
    const detail = "the escrow was closed outside the executor";
    const changed = await ledger.transaction(async () => {
      const stopped = await ledger.requestStop(rental.instanceId, null, detail);
      if (stopped) await ledger.enqueueEvent(rental.instanceId, { state: "Stopping", detail });
      return stopped;
    });
    if (changed) log.warn("ESCROW_GONE", { instanceId: rental.instanceId });
  }

  async #end(rental: LedgerRental, detail?: string): Promise<EndState> {
    const { ledger, log } = this.#d;
    const failed = rental.stopReason === "provider_rejected" || rental.stopReason === "provider_down";
    const state: EndState = failed ? "Failed" : "Completed";
    const finalDetail = detail ?? rental.detail ?? undefined;
    await ledger.transaction(async () => {
      await ledger.finish(rental.instanceId, state, detail);
      await ledger.enqueueEvent(rental.instanceId, {
        state,
        ...(rental.stopReason ? { reason: rental.stopReason } : {}),
        ...(finalDetail ? { detail: finalDetail } : {}),
        billedSeconds: rental.billedSeconds,
      });
    });
    this.#closeRetryAt.delete(rental.instanceId);
    log.info("RENTAL_ENDED", {
      instanceId: rental.instanceId,
      state,
      reason: rental.stopReason,
      billedSeconds: rental.billedSeconds,
    });
    return state;
  }
}
