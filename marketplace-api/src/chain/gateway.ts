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

/** What rentals need from the chain: build the escrow opening, submit the signed one. */
export interface RentalChain {
  /** The unsigned EIP-12 transaction opening the escrow, paid from the consumer's boxes. */
  openEscrowTx(request: OpenEscrowRequest): Promise<EIP12UnsignedTransaction>;
  /** Submits a signed transaction; resolves to its id. */
  submit(tx: SignedTx): Promise<string>;
}

/** Settles escrows by the arbiter's key (the marketplace's side of a dispute or a dead provider). */
export interface Settlement {
  /** Arbiter resolve: the whole escrow back to the consumer. Resolves to the transaction id. */
  refund(escrowBoxId: string): Promise<string>;
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
