/** Base of every ChainClient failure. */
export class ChainError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The node answered with an error status (other than a transaction rejection). */
export class ChainRequestError extends ChainError {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly detail: string,
  ) {
    super(`Ergo node ${method} ${path} failed with ${status}: ${detail}`);
  }
}

/** The node could not be reached at all. */
export class ChainUnreachableError extends ChainError {
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(
      `Ergo node at ${url} is unreachable (${(cause as Error)?.message ?? cause}); check ERGO_NODE_URL and that the node runs`,
      {
        cause,
      },
    );
  }
}

/** The node refused a transaction; `reason` is the validator's own words. */
export class ChainRejectedError extends ChainError {
  constructor(
    readonly txId: string | undefined,
    readonly reason: string,
  ) {
    super(`Transaction ${txId ?? "(unknown id)"} was rejected: ${reason}`);
  }
}

/** A transaction did not reach the wanted confirmations in time. */
export class ConfirmationTimeoutError extends ChainError {
  constructor(
    readonly txId: string,
    readonly confirmations: number,
    readonly wanted: number,
    readonly waitedMs: number,
  ) {
    super(
      `Transaction ${txId} has ${confirmations} of ${wanted} confirmations after ${Math.round(waitedMs / 1000)} s; ` +
        "it may still confirm — check it again later before resubmitting",
    );
  }
}
