import { GpucProtocolError } from "./base.ts";

/** A swap so small that, after the rate and the swap fee, it would pay out nothing. */
export class SwapTooSmallError extends GpucProtocolError {
  readonly amount: bigint;

  constructor(amount: bigint) {
    super(`Swapping ${amount} units pays out nothing after the rate and the swap fee; swap a larger amount`);
    this.amount = amount;
  }
}
