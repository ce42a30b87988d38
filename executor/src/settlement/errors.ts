import { ExecutorError } from "../errors.ts";

/** A claim asked for a billing period that was already paid; the ledger must resync from `escrowState`. */
export class PeriodAlreadyClaimedError extends ExecutorError {
  constructor(
    readonly instanceId: string,
    readonly period: number,
  ) {
    super(
      `Billing period ${period} of rental ${instanceId} was already claimed; resync the ledger from the escrow state before claiming again`,
    );
  }
}

/** The escrow was already closed (or exited/resolved); nothing more can be claimed from it. */
export class EscrowClosedError extends ExecutorError {
  constructor(readonly instanceId: string) {
    super(`The escrow of rental ${instanceId} is already closed; stop metering it and record the close`);
  }
}

/** A claim or close was refused because it is not (yet) allowed, e.g. the chain height has not reached the period. */
export class SettlementRejectedError extends ExecutorError {
  constructor(
    readonly instanceId: string,
    readonly reason: string,
  ) {
    super(
      `Settlement for rental ${instanceId} was rejected: ${reason}; it will be retried on the next cycle`,
    );
  }
}

/** The chain does not (yet) tell where a rental's escrow is now, e.g. its box was spent by a transaction the node has not indexed. */
export class EscrowUnresolvedError extends ExecutorError {
  constructor(
    readonly instanceId: string,
    readonly boxId: string,
  ) {
    super(
      `Cannot follow the escrow of rental ${instanceId} past box ${boxId} yet (spent by a transaction the node does not show); it will be retried on the next cycle`,
    );
  }
}

/**
 * The rental's escrow is not one this executor may serve: not a genuine escrow of the rental, another provider's,
 * not fully funded, or billing from a start height the chain will not honour. The rental is refused
 * (`provider_rejected`), the escrow left untouched.
 */
export class EscrowRefusedError extends ExecutorError {
  constructor(
    readonly instanceId: string,
    readonly reason: string,
  ) {
    super(
      `The escrow of rental ${instanceId} cannot be served: ${reason}; the consumer must open a new escrow`,
    );
  }
}
