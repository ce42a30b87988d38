import {
  LineageTooLongError,
  LineageUnresolvedError,
  NotAnEscrowError,
  UntrustedEscrowError,
} from "@gpuc/offchain";
import { EscrowRefusedError, EscrowUnresolvedError, SettlementRejectedError } from "./errors.ts";

// How offchain's escrow-lineage errors become the executor's: an escrow that cannot be checked yet is retried
// (`EscrowUnresolvedError`); one that is not what it claims is refused when a rental is taken on and rejected
// (retried next cycle) when an escrow already taken on is followed.

/** Runs a check of a rental's escrow before it is taken on: an untrusted escrow is an `EscrowRefusedError`. */
export async function asRefusal<T>(instanceId: string, check: () => Promise<T>): Promise<T> {
  return translated(check, instanceId, (reason) => new EscrowRefusedError(instanceId, reason));
}

/** Runs a walk along a rental's escrow: an untrusted box is a `SettlementRejectedError`. */
export async function asRejection<T>(instanceId: string, walk: () => Promise<T>): Promise<T> {
  return translated(walk, instanceId, (reason) => new SettlementRejectedError(instanceId, reason));
}

async function translated<T>(
  run: () => Promise<T>,
  instanceId: string,
  untrusted: (reason: string) => Error,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof LineageUnresolvedError) throw new EscrowUnresolvedError(instanceId, error.boxId);
    if (error instanceof UntrustedEscrowError) throw untrusted(error.reason);
    if (error instanceof NotAnEscrowError) throw untrusted(error.message);
    if (error instanceof LineageTooLongError)
      throw untrusted(`the escrow was recreated more than ${error.maxSteps} times`);
    throw error;
  }
}
