import { DevnetError } from "./devnetError.ts";

/** The devnet refused a transaction; `reason` is the validator's own words (or the UTXO check's). */
export class DevnetRejectedError extends DevnetError {
  constructor(
    readonly reason: string,
    readonly txId?: string,
  ) {
    super(`Transaction ${txId ?? "(unparsed)"} was rejected: ${reason}`);
  }
}
