import type { EIP12UnsignedTransaction } from "@fleet-sdk/common";
import type { SignedTransaction } from "@gpuc/offchain";

/** A signed transaction as a wallet returns it (EIP-12 `sign_tx`) and the node accepts it. */
export type SignedTx = SignedTransaction;

export interface OpenEscrowRequest {
  /** Rental id as the escrow's R7 carries it: the instance uuid without dashes (16 bytes, hex). */
  readonly rentalId: string;
  readonly consumerAddress: string;
  readonly providerAddress: string;
  readonly pricePerHour: bigint;
  readonly prepaidHours: number;
}

export interface ExtendEscrowRequest {
  /** The escrow box now on chain (the instance's current one). */
  readonly escrowBoxId: string;
  readonly consumerAddress: string;
  readonly hours: number;
}

/** What rentals need from the chain: build the escrow opening and top-up, submit signed transactions. */
export interface RentalChain {
  /** The unsigned EIP-12 transaction opening the escrow, paid from the consumer's boxes. */
  openEscrowTx(request: OpenEscrowRequest): Promise<EIP12UnsignedTransaction>;
  /** The unsigned EIP-12 `extendEscrow` transaction: `hours × price` more GPUC from the consumer's boxes. */
  extendEscrowTx(request: ExtendEscrowRequest): Promise<EIP12UnsignedTransaction>;
  /** Submits a signed transaction; resolves to its id. */
  submit(tx: SignedTx): Promise<string>;
}

/** Where a settlement transaction stands on chain. */
export type SettlementStatus = "confirmed" | "pending" | "unknown";

/** Settles escrows by the arbiter's key (the marketplace's side of a dispute or a dead provider). */
export interface Settlement {
  /**
   * Arbiter resolve: `providerShare` GPUC units (gross, the fee is taken from it) to the provider, the rest to
   * the consumer. `beforeSubmit` receives the signed transaction's id before it is sent, so the caller can
   * persist it and never resolve twice across a restart. Resolves to the transaction id.
   */
  resolve(
    escrowBoxId: string,
    providerShare: bigint,
    beforeSubmit: (txId: string) => Promise<void>,
  ): Promise<string>;
  /** Whether a settlement transaction submitted earlier is confirmed, still in the mempool, or lost. */
  status(txId: string): Promise<SettlementStatus>;
}

/** The instance id as a rental id register value. */
export function rentalIdOf(instanceId: string): string {
  return instanceId.replaceAll("-", "").toLowerCase();
}

/** The instance id (uuid) of an escrow's rental id, if it is one. */
export function instanceIdOf(rentalId: string): string | undefined {
  if (!/^[0-9a-f]{32}$/.test(rentalId)) return undefined;
  return `${rentalId.slice(0, 8)}-${rentalId.slice(8, 12)}-${rentalId.slice(12, 16)}-${rentalId.slice(16, 20)}-${rentalId.slice(20)}`;
}
