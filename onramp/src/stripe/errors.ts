import { HttpError } from "@gpuc/platform/http";

/** Why a webhook's `Stripe-Signature` was refused. */
export type SignatureFailure = "missing-header" | "malformed-header" | "bad-signature" | "stale-timestamp";

/**
 * A webhook that does not verify over its raw body with the endpoint's secret: refused before anything is read
 * or stored. `reason` says which check failed; the message says what to look at.
 */
export class StripeSignatureError extends HttpError {
  constructor(
    readonly reason: SignatureFailure,
    detail: string,
  ) {
    super(400, `Stripe webhook refused (${reason}): ${detail}; nothing was stored`, { reason });
  }
}

/** Stripe refused a call or could not be reached; `retryable` says whether the same request may succeed later. */
export class StripeRequestError extends HttpError {
  readonly retryable: boolean;

  constructor(
    readonly operation: string,
    readonly detail: StripeFailureDetail,
  ) {
    const retryable = isRetryable(detail.statusCode);
    super(502, describeFailure(operation, detail, retryable), {
      operation,
      stripeType: detail.type,
      stripeCode: detail.code,
      requestId: detail.requestId,
      retryable,
    });
    this.retryable = retryable;
  }
}

/** What Stripe's error said (no status: the request never got an answer). */
export interface StripeFailureDetail {
  readonly statusCode?: number;
  readonly type: string;
  readonly code?: string;
  readonly requestId?: string;
  readonly message: string;
}

// 409 is a concurrent request on the same idempotency key; 429 and 5xx are Stripe's own trouble.
const isRetryable = (status: number | undefined) =>
  status === undefined || status === 409 || status === 429 || status >= 500;

function describeFailure(operation: string, detail: StripeFailureDetail, retryable: boolean): string {
  const what = detail.statusCode
    ? `refused ${operation} (${detail.statusCode} ${detail.type}${detail.code ? `/${detail.code}` : ""})`
    : `could not be reached for ${operation}`;
  const advice = retryable ? "; retry the same request (its idempotency key makes that safe)" : "";
  return `Stripe ${what}: ${detail.message}${advice}`;
}

/**
 * An idempotency key reused with other parameters: Stripe keeps the first request's result for 24 hours and
 * refuses the new one. Retrying cannot help; the caller must send exactly the first request's parameters.
 */
export class StripeIdempotencyConflictError extends HttpError {
  constructor(
    readonly operation: string,
    readonly idempotencyKey: string,
  ) {
    super(
      409,
      `Stripe refused ${operation}: idempotency key ${idempotencyKey} was first used with other parameters; derive every parameter (expires_at included) from the stored order, not from the clock`,
      { operation, idempotencyKey },
    );
  }
}

/** Stripe created a Checkout Session the buyer cannot be sent to (no hosted-page URL). */
export class CheckoutUrlMissingError extends HttpError {
  constructor(readonly sessionId: string) {
    super(
      502,
      `Stripe answered Checkout Session ${sessionId} without a hosted-page url; expire it and retry`,
      {
        sessionId,
      },
    );
  }
}
