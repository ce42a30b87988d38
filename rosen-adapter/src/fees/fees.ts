import { formatAmount } from "@gpuc/sdk";
import { AmountBelowMinimumError } from "../errors/amountBelowMinimum.ts";
import { FeeBelowMinimumError } from "../errors/feeBelowMinimum.ts";
import type { BridgedToken } from "../tokens/registry.ts";
import type { RouteMinFees } from "./minFee.ts";

/** The fees of one transfer, wrapped units. */
export interface TransferFees {
  readonly bridgeFee: bigint;
  readonly networkFee: bigint;
}

const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;

/**
 * The fees Rosen asks of a transfer of `wrapped` units (as Rosen's SDK computes them): the bridge fee is the larger
 * of the fixed minimum and `amount × feeRatio / divisor` rounded up; the network fee is the minimum.
 */
export function minimumFees(route: RouteMinFees, wrapped: bigint): TransferFees {
  const variable = route.feeRatioDivisor > 0n ? ceilDiv(wrapped * route.feeRatio, route.feeRatioDivisor) : 0n;
  return {
    bridgeFee: variable > route.bridgeFee ? variable : route.bridgeFee,
    networkFee: route.networkFee,
  };
}

/** The smallest transfer Rosen accepts: one that pays both minimum fees and still delivers a unit. */
export function minimumTransfer(route: RouteMinFees): bigint {
  return route.bridgeFee + route.networkFee + 1n;
}

/**
 * The fees a transfer pays: `offered` where given (never under the minimum), the minimum otherwise. Refuses a
 * fee under the min-fee box's value and an amount that does not cover the fees, in the token's units.
 */
export function settleFees(
  token: BridgedToken,
  route: RouteMinFees,
  wrapped: bigint,
  offered: Partial<TransferFees> = {},
): TransferFees {
  const units = (value: bigint) => formatAmount(value, token.significantDecimals);
  const least = minimumFees(route, wrapped);
  const fees = {
    bridgeFee: offered.bridgeFee ?? least.bridgeFee,
    networkFee: offered.networkFee ?? least.networkFee,
  };
  if (fees.bridgeFee < least.bridgeFee)
    throw new FeeBelowMinimumError("bridge", units(fees.bridgeFee), units(least.bridgeFee), token.name);
  if (fees.networkFee < least.networkFee)
    throw new FeeBelowMinimumError("network", units(fees.networkFee), units(least.networkFee), token.name);
  const floor = fees.bridgeFee + fees.networkFee + 1n;
  const minimum = floor > minimumTransfer(route) ? floor : minimumTransfer(route);
  if (wrapped < minimum) throw new AmountBelowMinimumError(units(wrapped), units(minimum), token.name);
  return fees;
}
