import type { Amount, Box, EIP12UnsignedTransaction } from "@fleet-sdk/common";
import { estimateMinBoxValue, type FleetPlugin, OutputBuilder } from "@fleet-sdk/core";
import type { Deployment } from "@gpuc/ergoscript";
import { sigmaPropRegister } from "../config/sigmaProp.ts";
import { InsufficientGpucError } from "../errors/insufficientGpuc.ts";
import { InvalidRentalArgumentError } from "../errors/invalidRentalArgument.ts";
import { buildWith, type TxFunding } from "./context.ts";
import { escrowRegisters } from "./registers.ts";

export interface OpenEscrowParams {
  readonly deployment: Deployment;
  /** P2PK addresses of the consumer (who pays and may exit) and the provider (who claims). */
  readonly consumer: string;
  readonly provider: string;
  /** GPUC units per billing hour. */
  readonly pricePerHour: bigint;
  readonly prepaidHours: number;
  /** Height the billing clock starts at (usually the current height). */
  readonly startHeight: number;
  /** Rental id (hex, 1–64 bytes), as the marketplace assigned it. */
  readonly rentalId: string;
}

/** GPUC units an escrow of these terms must hold. */
export function escrowDeposit(params: Pick<OpenEscrowParams, "pricePerHour" | "prepaidHours">): bigint {
  return params.pricePerHour * BigInt(params.prepaidHours);
}

/**
 * A Fleet plugin adding a new Rental Escrow output holding `pricePerHour × prepaidHours` GPUC; the GPUC comes from
 * the transaction's inputs.
 *
 * @example
 * new TransactionBuilder(height).from(consumerBoxes).extend(openEscrow(params)).sendChangeTo(consumer).payMinFee().build();
 */
export function openEscrow(params: OpenEscrowParams): FleetPlugin {
  const output = escrowOutput(params);
  return ({ addOutputs }) => {
    addOutputs(output);
  };
}

/** The whole unsigned transaction opening an escrow, paid from the consumer's boxes. */
export function buildOpenEscrowTx(
  params: OpenEscrowParams & TxFunding & { readonly height: number },
): EIP12UnsignedTransaction {
  const deposit = escrowDeposit(params);
  const available = gpucIn(params.inputs, params.deployment.gpucTokenId);
  if (available < deposit) throw new InsufficientGpucError(deposit, available);
  return buildWith(openEscrow(params), params.height, params);
}

function escrowOutput(params: OpenEscrowParams): OutputBuilder {
  if (params.pricePerHour <= 0n)
    throw new InvalidRentalArgumentError("pricePerHour", params.pricePerHour, "positive");
  if (!Number.isInteger(params.prepaidHours) || params.prepaidHours < 1) {
    throw new InvalidRentalArgumentError("prepaidHours", params.prepaidHours, "a whole number of at least 1");
  }
  if (!Number.isInteger(params.startHeight) || params.startHeight < 0) {
    throw new InvalidRentalArgumentError("startHeight", params.startHeight, "a height (0 or more)");
  }
  if (!/^([0-9a-fA-F]{2}){1,64}$/.test(params.rentalId)) {
    throw new InvalidRentalArgumentError("rentalId", params.rentalId, "1 to 64 bytes of hex");
  }
  const registers = escrowRegisters({
    consumerRegister: sigmaPropRegister(params.consumer, "consumer"),
    providerRegister: sigmaPropRegister(params.provider, "provider"),
    terms: { ...params, paidHours: 0 },
    rentalId: params.rentalId.toLowerCase(),
  });
  return new OutputBuilder(estimateMinBoxValue(), params.deployment.contracts.rentalEscrow.ergoTree)
    .addTokens({ tokenId: params.deployment.gpucTokenId, amount: escrowDeposit(params) })
    .setAdditionalRegisters(registers);
}

/** GPUC units held by `boxes`. */
export function gpucIn(boxes: readonly Box<Amount>[], gpucTokenId: string): bigint {
  let total = 0n;
  for (const box of boxes) {
    for (const asset of box.assets) if (asset.tokenId === gpucTokenId) total += BigInt(asset.amount);
  }
  return total;
}
