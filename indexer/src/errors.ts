/** Base class of the indexer's errors. */
export class IndexerError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Two rules claim the same kind: box kinds are how subscribers and queries find boxes, so each is one rule's. */
export class DuplicateRuleError extends IndexerError {
  constructor(readonly kind: string) {
    super(`A box rule for kind "${kind}" is already registered; give the new rule its own kind`);
  }
}

/** A subscriber name is taken: names label logs and errors, so each must say which part of the system it is. */
export class DuplicateSubscriberError extends IndexerError {
  constructor(readonly subscriber: string) {
    super(`An index subscriber named "${subscriber}" is already registered; pick another name`);
  }
}

/**
 * A subscriber refused a block inside its transaction: nothing of the block was kept (boxes, spends, cursor,
 * other subscribers' writes) and the indexer retries it at the next poll.
 */
export class SubscriberFailedError extends IndexerError {
  constructor(
    readonly subscriber: string,
    readonly height: number,
    cause: unknown,
  ) {
    super(
      `Index subscriber "${subscriber}" failed on block ${height}: ${cause instanceof Error ? cause.message : String(cause)}; the block was not applied and will be retried`,
      { cause },
    );
  }
}
