/**
 * Base of every expected failure of a GPUC HTTP service: it carries the HTTP status and a message that tells the
 * caller what to do. The error handler turns it into `application/problem+json`, with `type`
 * `urn:gpuc:problem:<kind>` where the kind comes from the concrete class name (`InsufficientFundsError` →
 * `insufficient-funds`), and `extensions` as extra members of the problem.
 *
 * @example
 * export class InstanceEndedError extends HttpError {
 *   constructor(readonly instanceId: string) {
 *     super(409, `Instance ${instanceId} has already ended`, { instanceId });
 *   }
 * }
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

/** One failed check of a request part: the dotted path into it and zod's message. */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

/** The request does not match the route's schema (body, path parameters or query). */
export class ValidationError extends HttpError {
  constructor(
    readonly location: "body" | "params" | "query",
    readonly issues: readonly ValidationIssue[],
  ) {
    super(
      400,
      `Invalid request ${location}: ${issues.map((issue) => `${issue.path || location}: ${issue.message}`).join("; ")}`,
      { issues },
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
