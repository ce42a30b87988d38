import { HttpError } from "@gpuc/platform/http";

/** A state transition that the instance state machine does not allow. */
export class IllegalTransitionError extends HttpError {
  constructor(
    readonly from: string,
    readonly to: string,
  ) {
    super(409, `An instance in state ${from} cannot move to ${to}`, { from, to });
  }
}

/** The consumer's wallet holds less GPUC than the rental needs. */
export class InsufficientFundsError extends HttpError {
  constructor(
    readonly required: bigint,
    readonly available: bigint,
  ) {
    super(
      402,
      `The rental needs ${required} GPUC units but the wallet holds ${available}; add ${required - available} GPUC units and retry`,
      {
        required: required.toString(),
        available: available.toString(),
        missing: (required - available).toString(),
      },
    );
  }
}

/** The consumer already has as many rentals awaiting funding as one wallet may hold (each reserves a GPU). */
export class TooManyUnfundedRentalsError extends HttpError {
  constructor(
    readonly pending: number,
    readonly limit: number,
  ) {
    super(
      409,
      `You have ${pending} rentals awaiting funding (at most ${limit}); fund or stop one before renting another`,
      { pending, limit },
    );
  }
}

/**
 * The offer's executor has not sent a heartbeat within its interval: renting now would lock the consumer's GPUC in
 * an escrow nobody serves, so no escrow transaction is built.
 */
export class ProviderOfflineError extends HttpError {
  constructor(
    readonly gpuId: string,
    readonly lastHeartbeatAt: Date | null,
  ) {
    super(
      409,
      `provider offline: the executor serving GPU offer ${gpuId} has ${lastHeartbeatAt ? `not sent a heartbeat since ${lastHeartbeatAt.toISOString()}` : "never sent a heartbeat"}; pick another offer or retry once it is online`,
      { gpuId, lastHeartbeatAt: lastHeartbeatAt?.toISOString() ?? null },
    );
  }
}
