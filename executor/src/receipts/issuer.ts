import { receiptMessage, type SignedReceipt, type UsageReceipt, usageReceiptSchema } from "@gpuc/sdk";
import type { BillingTerms } from "../billing/terms.ts";
import { ExecutorError } from "../errors.ts";
import type { ProviderSigner } from "../keys/provider-signer.ts";
import type { LedgerRental } from "../ledger/ledger.ts";
import type { PeriodUsage, ReceiptStore, RunFacts } from "../ledger/receipt-store.ts";

/** A receipt cannot be written yet: the meter has not read the container's image from Docker. */
export class ReceiptFactsMissingError extends ExecutorError {
  constructor(
    readonly instanceId: string,
    what: string,
  ) {
    super(
      `No usage receipt for rental ${instanceId} yet: ${what}; the settlement is retried on the next tick`,
    );
  }
}

/** Everything one period's receipt says, gathered from the ledger. */
export interface PeriodFacts {
  readonly rental: LedgerRental;
  readonly provider: string;
  readonly period: number;
  /** The period that ends the rental (its close): it carries the exit state; earlier ones were running. */
  readonly final: boolean;
  readonly run: RunFacts;
  readonly usage: PeriodUsage | undefined;
  readonly issuedAt: Date;
}

// The stop reasons that mean the provider's side failed the rental (as the biller's end state reads them).
const FAILED_REASONS: readonly string[] = ["provider_rejected", "provider_down"];

/** Seconds of period `period` (1-based) within `billed` seconds: whole periods before, the rest in the last. */
export function periodSeconds(terms: BillingTerms, billed: number, period: number): number {
  return Math.min(terms.periodSeconds, Math.max(0, billed - (period - 1) * terms.periodSeconds));
}

/** The receipt body of one billing period (unsigned); throws when the run facts are not known yet. */
export function buildReceipt(facts: PeriodFacts): UsageReceipt {
  const { rental, period, run, usage } = facts;
  if (!run.imageDigest) throw new ReceiptFactsMissingError(rental.instanceId, "its image digest is unknown");
  if (!rental.startedAt) throw new ReceiptFactsMissingError(rental.instanceId, "its start time is unknown");
  const seconds = periodSeconds(rental.terms, rental.billedSeconds, period);
  const start = rental.startedAt.getTime() + (period - 1) * rental.terms.periodSeconds * 1000;
  const exit = facts.final ? exitOf(rental, run) : { exitState: "running" as const };
  return usageReceiptSchema.parse({
    version: 1,
    instanceId: rental.instanceId,
    escrowBoxId: rental.rental.escrowBoxId.toLowerCase(),
    provider: facts.provider,
    period,
    periodStart: new Date(start).toISOString(),
    periodEnd: new Date(start + seconds * 1000).toISOString(),
    seconds,
    imageDigest: run.imageDigest,
    gpus: usage?.gpus ?? [],
    gpuUtilization: { meanPct: mean(usage?.utilSum, usage), maxPct: round(usage?.utilMax ?? 0) },
    gpuMemory: { meanMiB: mean(usage?.memSum, usage), maxMiB: round(usage?.memMax ?? 0) },
    ...exit,
    issuedAt: facts.issuedAt.toISOString(),
  });
}

function exitOf(rental: LedgerRental, run: RunFacts): Pick<UsageReceipt, "exitState" | "exitCode"> {
  const code = run.exitCode ?? undefined;
  const exitCode = code === undefined ? {} : { exitCode: code };
  if (rental.stopReason && FAILED_REASONS.includes(rental.stopReason))
    return { exitState: "failed", ...exitCode };
  if (rental.stopReason) return { exitState: "stopped", ...exitCode };
  if (code === undefined) return { exitState: "stopped" };
  return { exitState: code === 0 ? "exited" : "failed", exitCode: code };
}

function mean(sum: number | undefined, usage: PeriodUsage | undefined): number {
  return usage && usage.samples > 0 ? round((sum ?? 0) / usage.samples) : 0;
}

/** One decimal: the readings are whole percent and MiB; more digits would only be float noise in signed bytes. */
function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/**
 * Issues the receipts of the periods a settlement pays: each period's receipt is signed once and kept, and every
 * later call (a retried claim or close) gets the kept one, so what a transaction committed to stays what is served.
 */
export class ReceiptIssuer {
  readonly #store: ReceiptStore;
  readonly #signer: ProviderSigner;

  constructor(store: ReceiptStore, signer: ProviderSigner) {
    this.#store = store;
    this.#signer = signer;
  }

  /** Receipts of periods `from..to` of `rental`; `final` marks `to` as the period that ends the rental. */
  async issue(rental: LedgerRental, from: number, to: number, final = false): Promise<SignedReceipt[]> {
    const kept = await this.#store.issued(rental.instanceId, from, to);
    const run = await this.#store.runFacts(rental.instanceId);
    const receipts: SignedReceipt[] = [];
    for (let period = from; period <= to; period++) {
      const existing = kept.get(period);
      if (existing) {
        receipts.push(existing);
        continue;
      }
      const receipt = buildReceipt({
        rental,
        provider: this.#signer.address,
        period,
        final: final && period === to,
        run,
        usage: await this.#store.usage(rental.instanceId, period),
        issuedAt: new Date(),
      });
      receipts.push(
        await this.#store.keep({ receipt, signature: this.#signer.sign(receiptMessage(receipt)) }),
      );
    }
    return receipts;
  }
}
