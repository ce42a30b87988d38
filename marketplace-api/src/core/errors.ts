/**
 * Base of every expected failure of the API: it carries the HTTP status and a message that tells the caller
 * what to do. The error handler turns it into `application/problem+json`.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extensions: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The request does not match the route's schema (body, path parameters or query). */
export class ValidationError extends HttpError {
  constructor(
    readonly location: "body" | "params" | "query",
    readonly issues: readonly { path: string; message: string }[],
  ) {
    super(
      400,
      `Invalid request ${location}: ${issues.map((issue) => `${issue.path || location}: ${issue.message}`).join("; ")}`,
      { issues },
    );
  }
}

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
 * Throws an `HttpError` with `status` and `message` unless `condition` holds; narrows the condition's type.
 *
 * @example
 * const rental = await repo.find(id);
 * assert(rental, 404, `Instance ${id} not found`);
 */
export function assert(condition: unknown, status: number, message: string): asserts condition {
  if (!condition) throw new HttpError(status, message);
}
