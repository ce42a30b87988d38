import type { ExecutorReason } from "@gpuc/sdk";

/** The escrow of one rental, as the executor knows it from the marketplace listing. */
export interface EscrowRef {
  readonly instanceId: string;
  /**
   * The box that opened the escrow (as `verify` returns it; the marketplace may name a later box of its lineage);
   * each claim or top-up recreates it, and implementations follow it from there.
   */
  readonly escrowBoxId: string;
  readonly startHeight: number;
  readonly prepaidPeriods: number;
  /** GPUC units per billing period. */
  readonly pricePerPeriod: bigint;
}

/** Claim billing periods `fromPeriod..toPeriod` (1-based, inclusive) of one escrow. */
export interface ClaimItem {
  readonly escrow: EscrowRef;
  readonly fromPeriod: number;
  readonly toPeriod: number;
  /** Gross GPUC units, `periods × pricePerPeriod`; the protocol fee is taken on chain. */
  readonly amount: bigint;
}

/**
 * Settle what is left of an escrow when a rental ends: `providerAmount` (the unclaimed metered time) to the
 * provider, the rest back to the consumer. On chain this is the escrow's provider close, capped at the blocks
 * elapsed.
 */
export interface CloseRequest {
  readonly escrow: EscrowRef;
  readonly billedSeconds: number;
  /** Periods claimed before the close (the close pays everything after them). */
  readonly claimedPeriods: number;
  readonly providerAmount: bigint;
  readonly consumerRefund: bigint;
  readonly reason: ExecutorReason | null;
  /** Merkle root (hex) of the usage receipts of the periods the close pays: R5 of the provider payout. */
  readonly receiptsRoot?: string;
}

/** What a claim transaction commits to besides the money. */
export interface ClaimProof {
  /** Merkle root (hex) of the usage receipts of every period the claim pays: R5 of each provider payout. */
  readonly receiptsRoot?: string;
}

/** What the chain (or its stand-in) says about an escrow. */
export interface EscrowState {
  /** Periods already paid out to the provider (the escrow's paidHours), counting submitted transactions. */
  readonly paidPeriods: number;
  /** The escrow no longer exists: closed, exited by the consumer, resolved by the arbiter, or expired. */
  readonly closed: boolean;
  /**
   * Periods the escrow lets the provider claim now, beyond `paidPeriods` (the chain's `claimableHours` at the
   * next block). The executor claims no further than this, so it may lag the wall clock but never lead the
   * chain. Undefined: no limit but the prepaid periods (the recording stand-in).
   */
  readonly claimablePeriods?: number;
  /**
   * Prepaid periods the escrow holds now: more than the rental started with once the consumer topped it up.
   * Undefined: the stand-in does not know (the recording settlement).
   */
  readonly prepaidPeriods?: number;
}

export interface SubmittedTx {
  readonly txId: string;
  /**
   * A close only: what it actually paid the provider (gross) and refunded, when that differs from the request
   * (the chain caps a provider close at the elapsed blocks).
   */
  readonly settled?: { readonly providerAmount: bigint; readonly consumerRefund: bigint };
}

/**
 * How the executor gets paid. Implementations: `ChainSettlement` (over `@gpuc/offchain` builders) and
 * `RecordingSettlement` (a database stand-in for tests and chainless runs). Both must refuse to pay a period
 * twice: the executor's ledger makes duplicates unlikely, the settlement layer makes them impossible.
 */
export interface Settlement {
  readonly kind: string;
  /** Claims elapsed periods of several escrows in one transaction. */
  claim(items: readonly ClaimItem[], proof?: ClaimProof): Promise<SubmittedTx>;
  close(request: CloseRequest): Promise<SubmittedTx>;
  escrowState(escrow: EscrowRef): Promise<EscrowState>;
  /**
   * Checks the escrow of a rental about to be taken on and returns its terms as the chain holds them (the box
   * that opened it, start height, prepaid periods, price), whatever the marketplace said. Throws
   * `EscrowRefusedError` for an escrow that must not be served; other errors are transient (try again later).
   */
  verify(escrow: EscrowRef): Promise<EscrowRef>;
}
