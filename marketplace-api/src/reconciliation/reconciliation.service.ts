import type { IndexedBox, IndexStore } from "@gpuc/indexer";
import {
  EscrowAction,
  type EscrowDeployment,
  type EscrowState,
  followEscrow,
  parseEscrowBox,
  payoutEscrowId,
  payoutReceiptsRoot,
  receiptSignedBy,
} from "@gpuc/offchain";
import type { Logger } from "@gpuc/platform";
import {
  RECEIPT_MISMATCH_KINDS,
  type ReceiptMismatches,
  type ReceiptMismatchKind,
  receiptLeaf,
  receiptsRoot,
  type SignedReceipt,
} from "@gpuc/sdk";
import { type NetworkName, p2pkTree } from "../chain/address.ts";
import { indexedLineage, toFleetBox } from "../chain/indexed-lineage.ts";
import type { Clock } from "../core/clock.ts";
import type {
  Lineage,
  NewMismatch,
  ReceiptRow,
  ReceiptsRepository,
} from "../receipts/receipts.repository.ts";
import { parseStored } from "../receipts/receipts.service.ts";

export interface ReconciliationDeps {
  repo: ReceiptsRepository;
  index: Pick<IndexStore, "box" | "createdBy" | "tip">;
  deployment: EscrowDeployment;
  clock: Clock;
  log: Logger;
  network: NetworkName;
  /** Wall-clock length of one billing period: a full claimed period's receipt has exactly these seconds. */
  periodSeconds: number;
  /** Blocks a claim may stay on chain before its missing receipt batch is a finding (the executor pushes after it confirms). */
  missingBatchGraceBlocks: number;
}

/** One settlement transaction of a lineage: the escrow box it spent, and the periods it pays. */
interface Settlement {
  txId: string;
  spentBoxId: string;
  kind: "claim" | "close";
  /** First period paid; a claim pays up to `lastPeriod`, a close every period after the claimed ones. */
  firstPeriod: number;
  lastPeriod: number;
  /** Height the spent box was spent at: a claim's age, for the grace before its missing batch is a finding. */
  height: number | null;
}

interface Stored {
  row: ReceiptRow;
  signed: SignedReceipt;
}

export interface ReconciliationRun {
  lineages: number;
  settlements: number;
  /** Findings new in this run (those found before are not counted again). */
  found: number;
}

/**
 * The auditor's job: every settlement transaction of every escrow lineage the index knows (claims, and the
 * provider close) against the receipts the provider pushed for it: the payout's R5 root against the stored
 * batch, the claimed periods against the receipts, and the executor's metered seconds against their sum. What it
 * finds is stored once per finding (`receipt_mismatches`) and counted in /metrics by kind.
 */
export class ReconciliationService {
  constructor(private readonly d: ReconciliationDeps) {}

  /** Reconciles every lineage; `missingBatchGraceBlocks` overrides the configured grace (a test's 0). */
  async run(options: { missingBatchGraceBlocks?: number } = {}): Promise<ReconciliationRun> {
    const tip = (await this.d.index.tip())?.height ?? 0;
    const grace = options.missingBatchGraceBlocks ?? this.d.missingBatchGraceBlocks;
    const run: ReconciliationRun = { lineages: 0, settlements: 0, found: 0 };
    for (const lineage of await this.d.repo.lineages()) {
      try {
        const findings = await this.#reconcile(lineage, tip - grace, run);
        run.found += await this.d.repo.recordMismatches(findings, this.d.clock.now());
        run.lineages++;
      } catch (error) {
        // One lineage the index cannot follow yet (a block not indexed) never stops the others.
        this.d.log.warn("RECONCILIATION_LINEAGE_FAILED", { instanceId: lineage.instance_id, error });
      }
    }
    if (run.found) this.d.log.warn("RECEIPT_MISMATCHES_FOUND", { ...run });
    return run;
  }

  /** Counts by kind (every kind, 0 included) and the latest `limit` findings, for the auditor. */
  async findings(limit: number): Promise<ReceiptMismatches> {
    const counts = await this.d.repo.mismatchCounts();
    const items = await this.d.repo.mismatches(limit);
    return {
      counts: Object.fromEntries(RECEIPT_MISMATCH_KINDS.map((kind) => [kind, counts.get(kind) ?? 0])),
      items: items.map((m) => ({
        txId: m.tx_id,
        kind: m.kind,
        subject: m.subject,
        detail: m.detail,
        foundAt: m.found_at.toISOString(),
      })),
    };
  }

  /** `before`: claims spent at or below this height are past their grace for a missing batch. */
  async #reconcile(lineage: Lineage, before: number, run: ReconciliationRun): Promise<NewMismatch[]> {
    const settlements = await this.#settlements(lineage.opening_box_id);
    const findings: NewMismatch[] = [];
    const paid = new Map<number, number>();
    let claimedPeriods = 0;
    for (const settlement of settlements) {
      const found = (kind: ReceiptMismatchKind, subject: string, detail: string) =>
        findings.push({ tx_id: settlement.txId, instance_id: lineage.instance_id, kind, subject, detail });
      const mine = await this.#check(lineage, settlement, before, found);
      if (mine === undefined) continue;
      run.settlements++;
      for (const { signed } of mine) paid.set(signed.receipt.period, signed.receipt.seconds);
      if (settlement.kind === "claim") claimedPeriods = settlement.lastPeriod;
      else this.#checkClose(lineage, mine, claimedPeriods, found);
    }
    const closed = settlements.some((s) => s.kind === "close");
    if (closed && lineage.billed_seconds !== null) {
      const total = [...paid.values()].reduce((sum, seconds) => sum + seconds, 0);
      if (BigInt(total) !== lineage.billed_seconds)
        findings.push({
          tx_id: settlements.at(-1)!.txId,
          instance_id: lineage.instance_id,
          kind: "metered_seconds",
          subject: "",
          detail: `the receipts sum to ${total} s; the executor reported ${lineage.billed_seconds} s metered`,
        });
    }
    return findings;
  }

  /**
   * The checks of one settlement; resolves to this lineage's receipts in it, or undefined when there is nothing
   * to reconcile (a close by the consumer or the arbiter, which carries no receipts; a claim still in its grace).
   */
  async #check(
    lineage: Lineage,
    settlement: Settlement,
    before: number,
    found: (kind: ReceiptMismatchKind, subject: string, detail: string) => void,
  ): Promise<Stored[] | undefined> {
    const chainRoot = await this.#payoutRoot(lineage, settlement);
    const batch = await this.d.repo.batch(settlement.txId);
    if (!batch) {
      if (settlement.kind === "close" && chainRoot === undefined) return undefined;
      if (settlement.height === null || settlement.height > before) return undefined;
      found(
        "missing_batch",
        "",
        `no receipts were pushed for this ${settlement.kind} (at height ${settlement.height})`,
      );
      return [];
    }
    if (chainRoot !== batch.root)
      found(
        "root_onchain",
        "",
        `the provider payout's R5 holds ${chainRoot ?? "no root"}; the receipts pushed have root ${batch.root}`,
      );
    const stored = (await this.d.repo.ofBatch(settlement.txId)).map((row) => ({
      row,
      signed: parseStored(row),
    }));
    const leaves = stored.map(({ signed }) => receiptLeaf(signed));
    if (receiptsRoot(leaves) !== batch.root)
      found(
        "batch_root",
        "",
        `the stored receipts hash to ${receiptsRoot(leaves)}, not the batch's ${batch.root}`,
      );
    const mine = stored.filter(({ row }) => row.instance_id === lineage.instance_id);
    for (const { row, signed } of mine) {
      if (!receiptSignedBy(signed, lineage.provider_address))
        found("signature", row.leaf, `period ${row.period}: not signed by the escrow's provider`);
      if (signed.receipt.escrowBoxId !== lineage.opening_box_id)
        found("lineage", row.leaf, `period ${row.period} names escrow ${signed.receipt.escrowBoxId}`);
      if (row.period < settlement.firstPeriod || row.period > settlement.lastPeriod)
        found("unclaimed_period", row.leaf, `period ${row.period} is not paid by this ${settlement.kind}`);
    }
    if (settlement.kind === "claim") this.#checkClaimed(settlement, mine, found);
    return mine;
  }

  /** Every period a claim pays needs a receipt of a full period's seconds. */
  #checkClaimed(
    settlement: Settlement,
    mine: readonly Stored[],
    found: (kind: ReceiptMismatchKind, subject: string, detail: string) => void,
  ): void {
    for (let period = settlement.firstPeriod; period <= settlement.lastPeriod; period++) {
      const receipt = mine.find(({ signed }) => signed.receipt.period === period);
      if (receipt?.signed.receipt.seconds === this.d.periodSeconds) continue;
      found(
        "missing_receipt",
        `period ${period}`,
        receipt
          ? `the receipt of claimed period ${period} has ${receipt.signed.receipt.seconds} s, not ${this.d.periodSeconds}`
          : `no receipt for claimed period ${period}`,
      );
    }
  }

  /** A provider close pays the metered seconds after the claimed periods: its receipts must sum to them. */
  #checkClose(
    lineage: Lineage,
    mine: readonly Stored[],
    claimedPeriods: number,
    found: (kind: ReceiptMismatchKind, subject: string, detail: string) => void,
  ): void {
    if (lineage.billed_seconds === null) return;
    const owed = Number(lineage.billed_seconds) - claimedPeriods * this.d.periodSeconds;
    const sum = mine.reduce((total, { signed }) => total + signed.receipt.seconds, 0);
    if (sum !== owed) found("close_seconds", "", `the close's receipts sum to ${sum} s; it pays ${owed} s`);
  }

  /** The root in R5 of the provider payout `settlement` made out of the escrow box it spent. */
  async #payoutRoot(lineage: Lineage, settlement: Settlement): Promise<string | undefined> {
    const tree = p2pkTree(lineage.provider_address, this.d.network);
    const payout = (await this.d.index.createdBy(settlement.txId, "wallet")).find(
      (box) => box.ergoTree === tree && payoutEscrowId(toFleetBox(box)) === settlement.spentBoxId,
    );
    return payout && payoutReceiptsRoot(toFleetBox(payout));
  }

  /** The claims and the closing spend of the lineage opened by `openingBoxId`, in chain order. */
  async #settlements(openingBoxId: string): Promise<Settlement[]> {
    const opening = await this.d.index.box(openingBoxId);
    if (!opening) return [];
    const view = indexedLineage(this.d.index, "escrow");
    const start = parseEscrowBox(toFleetBox(opening), this.d.deployment);
    const follow = await followEscrow(view, start, { deployment: this.d.deployment });
    const settlements: Settlement[] = [];
    let parent: EscrowState = start;
    for (const step of follow.steps) {
      if (step.action === EscrowAction.claim)
        settlements.push({
          txId: step.escrow.box.transactionId,
          spentBoxId: parent.boxId,
          kind: "claim",
          firstPeriod: parent.paidHours + 1,
          lastPeriod: step.escrow.paidHours,
          height: (await this.d.index.box(parent.boxId))?.spentHeight ?? null,
        });
      parent = step.escrow;
    }
    if (follow.status === "closed") {
      const last: IndexedBox | undefined = await this.d.index.box(parent.boxId);
      if (last?.spentTxId)
        settlements.push({
          txId: last.spentTxId,
          spentBoxId: last.boxId,
          kind: "close",
          firstPeriod: parent.paidHours + 1,
          lastPeriod: Number.MAX_SAFE_INTEGER,
          height: last.spentHeight,
        });
    }
    return settlements;
  }
}
