import type { Amount, Box, EIP12UnsignedTransaction } from "@fleet-sdk/common";
import type { FleetPlugin } from "@fleet-sdk/core";
import { EscrowAction } from "@gpuc/ergoscript";
import { InsufficientGpucError } from "../errors/insufficientGpuc.ts";
import { InvalidRentalArgumentError } from "../errors/invalidRentalArgument.ts";
import { buildWith, type EscrowActionBase, readEscrow, type TxFunding } from "./context.ts";
import { gpucIn } from "./open.ts";
import { recreatedEscrow, spendEscrows } from "./settlement.ts";

export interface ExtendParams extends EscrowActionBase {
  /** The consumer's P2PK address: the escrow must name it, and it signs. */
  readonly consumer: string;
  readonly escrowBox: Box<Amount>;
  /** Hours to add to the prepaid ones. */
  readonly hours: number;
}

/**
 * A Fleet plugin extending a rental: `hours × price` more GPUC into the escrow (from the transaction's inputs),
 * prepaid hours up by `hours`, everything else unchanged.
 *
 * @example
 * const tx = buildExtendTx({ deployment, configBox, height, consumer, escrowBox, hours: 2, inputs, changeAddress: consumer });
 */
export function extendEscrow(params: ExtendParams): FleetPlugin {
  const escrow = readEscrow(params.escrowBox, params.deployment, {
    role: "consumer",
    address: params.consumer,
  });
  if (!Number.isInteger(params.hours) || params.hours < 1) {
    throw new InvalidRentalArgumentError("hours to extend by", params.hours, "a whole number of at least 1");
  }
  const added = escrow.pricePerHour * BigInt(params.hours);
  const terms = { ...escrow, prepaidHours: escrow.prepaidHours + params.hours };
  const outputs = [recreatedEscrow(escrow, escrow.gpuc + added, terms, params.deployment)];
  return spendEscrows(params.configBox, [
    { escrow, action: EscrowAction.extend, amount: BigInt(params.hours), outputs },
  ]);
}

/** The whole unsigned extend transaction; the consumer's boxes bring the GPUC and the fee. */
export function buildExtendTx(params: ExtendParams & TxFunding): EIP12UnsignedTransaction {
  const plugin = extendEscrow(params);
  const price = readEscrow(params.escrowBox, params.deployment).pricePerHour;
  const required = price * BigInt(params.hours);
  const available = gpucIn(params.inputs, params.deployment.gpucTokenId);
  if (available < required) throw new InsufficientGpucError(required, available);
  return buildWith(plugin, params.height, params);
}
