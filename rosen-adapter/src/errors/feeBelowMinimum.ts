import { BridgeError } from "./base.ts";

/** A bridge or network fee under what the chain's min-fee config box asks: the guards would not pay it out. */
export class FeeBelowMinimumError extends BridgeError {
  constructor(
    readonly fee: "bridge" | "network",
    readonly offered: string,
    readonly minimum: string,
    readonly token: string,
  ) {
    super(
      `The ${fee} fee ${offered} ${token} is under Rosen's minimum of ${minimum} ${token}; offer at least ${minimum}`,
      { fee, offered, minimum, token },
    );
  }
}
