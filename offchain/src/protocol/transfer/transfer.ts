import type { Amount, Box, EIP12UnsignedTransaction } from "@fleet-sdk/common";
import { type FleetPlugin, OutputBuilder, SAFE_MIN_BOX_VALUE } from "@fleet-sdk/core";
import { tokenAmount } from "../bank/tokens.ts";
import { buildWithWallet, type WalletContext } from "../credit/wallet.ts";
import { InsufficientGpucError } from "../errors/insufficientGpuc.ts";
import { InvalidAmountError } from "../errors/invalidAmount.ts";

/** One payee of a GPUC transfer. */
export interface GpucPayment {
  readonly address: string;
  /** GPUC units (10^6 per GPUC). */
  readonly units: bigint;
}

export interface GpucTransferOptions {
  readonly gpucTokenId: string;
  /** One output per payment, in this order (so output i pays payments[i]: a batch is checkable by index). */
  readonly payments: readonly GpucPayment[];
  /** nanoERG each payment box carries (default Fleet's safe minimum). */
  readonly boxValue?: bigint;
}

/**
 * Pays GPUC to wallets: one output per payment, the change (GPUC and ERG) back to the payer. Refuses before
 * building when the payer's boxes hold too few GPUC, so no half-built transaction reaches a signer.
 *
 * @example
 * buildGpucTransfer({ gpucTokenId, payments: [{ address, units: 5_000_000n }] }, { inputs, changeAddress, height });
 */
export function gpucTransfer(options: GpucTransferOptions, inputs: readonly Box<Amount>[]): FleetPlugin {
  if (options.payments.length === 0) throw new InvalidAmountError("The number of payments", 0n, "positive");
  for (const payment of options.payments) {
    if (payment.units <= 0n) throw new InvalidAmountError("A GPUC payment", payment.units, "positive");
  }
  const required = options.payments.reduce((sum, payment) => sum + payment.units, 0n);
  const available = inputs.reduce((sum, box) => sum + tokenAmount(box, options.gpucTokenId), 0n);
  if (available < required) throw new InsufficientGpucError(required, available);
  const value = options.boxValue ?? SAFE_MIN_BOX_VALUE;
  return ({ addOutputs }) => {
    for (const payment of options.payments) {
      addOutputs(
        new OutputBuilder(value, payment.address).addTokens({
          tokenId: options.gpucTokenId,
          amount: payment.units,
        }),
      );
    }
  };
}

export function buildGpucTransfer(
  options: GpucTransferOptions,
  wallet: WalletContext,
): EIP12UnsignedTransaction {
  return buildWithWallet(gpucTransfer(options, wallet.inputs), wallet);
}
