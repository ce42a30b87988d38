import type { Amount, Box, EIP12UnsignedTransaction } from "@fleet-sdk/common";
import {
  OutputBuilder,
  RECOMMENDED_MIN_FEE_VALUE,
  SAFE_MIN_BOX_VALUE,
  TransactionBuilder,
} from "@fleet-sdk/core";

// Kept free of Rosen's packages (ESM with extensionless imports that plain node cannot load): the CLI's bundle
// imports this file through `@gpuc/rosen-adapter/faucet`.

export interface GuardPayment {
  /** The guard wallet's boxes. */
  readonly inputs: readonly Box<Amount>[];
  readonly height: number;
  readonly guardAddress: string;
  /** A P2PK address: Rosen pays transfers into Ergo to P2PK addresses only. */
  readonly to: string;
  readonly tokenId: string;
  readonly amount: bigint;
}

/**
 * A guard-style payment: the guard wallet pays `amount` of a bridged token to `to`, change back to itself, as
 * Rosen's guards pay a transfer into Ergo (the devnet's faucet for its bridged tokens).
 */
export function buildGuardPayment(payment: GuardPayment): EIP12UnsignedTransaction {
  return new TransactionBuilder(payment.height)
    .from([...payment.inputs])
    .to(
      new OutputBuilder(SAFE_MIN_BOX_VALUE, payment.to).addTokens({
        tokenId: payment.tokenId,
        amount: payment.amount,
      }),
    )
    .sendChangeTo(payment.guardAddress)
    .payFee(RECOMMENDED_MIN_FEE_VALUE)
    .build()
    .toEIP12Object();
}
