import { BridgeError } from "./base.ts";

/** A transfer whose amount does not cover the fees it pays: nothing (or less than nothing) would arrive. */
export class AmountBelowMinimumError extends BridgeError {
  constructor(
    readonly amount: string,
    readonly minimum: string,
    readonly token: string,
  ) {
    super(
      `Rosen's minimum transfer of ${token} is ${minimum} ${token} (the bridge and network fees and something to arrive); ${amount} ${token} is below it`,
      { amount, minimum, token },
    );
  }
}
