/** Base of every error `@gpuc/sdk` throws; `name` is the concrete class's name. */
export class SdkError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A value canonical JSON cannot represent (NaN, Infinity, undefined in an array, a Date, a cycle…). */
export class CanonicalJsonError extends SdkError {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`Canonical JSON cannot hold ${reason} at ${path || "the top level"}; convert it to a string first`);
  }
}

/** A user-written amount ("1.5", "0.000001") that is not a valid GPUC or ERG amount. */
export class InvalidAmountError extends SdkError {
  constructor(
    readonly input: string,
    readonly what: string,
    reason: string,
  ) {
    super(`${what} ${reason}`);
  }
}
