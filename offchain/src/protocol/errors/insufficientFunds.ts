import { GpucProtocolError } from "./base.ts";

/** The wallet boxes given to a builder do not hold what the action needs. */
export class InsufficientFundsError extends GpucProtocolError {
  /** What is missing: `nanoErgs` and/or token ids, with the missing amounts. */
  readonly missing: Readonly<Record<string, bigint>>;

  constructor(missing: Readonly<Record<string, bigint>>, options?: ErrorOptions) {
    const list = Object.entries(missing).map(
      ([what, amount]) => `${amount} ${what === "nanoErgs" ? "nanoERG" : `of token ${what}`}`,
    );
    super(`The wallet is short of ${list.join(" and ")}; fund it or ask for less`, options);
    this.missing = missing;
  }
}
