import { ProblemError } from "@gpuc/sdk";

/** The marketplace refused one event for good: its status and the problem's detail (or title). */
export interface EventRefusal {
  readonly status: number;
  readonly detail: string;
}

// 408 and 429 ask to come back later; 401/403 say this executor's API key is wrong or revoked, not that the event
// is — retrying keeps the events until the provider fixes GPUC_API_KEY instead of discarding every one of them.
// (HttpMarketplaceClient turns 401/403 into MarketplaceCredentialsError, so they never get here as problems.)
const RETRIED_CLIENT_ERRORS: readonly number[] = [401, 403, 408, 429];

/**
 * The refusal when `error` is a permanent one for this event (a 4xx the marketplace will answer again however often
 * it is sent, e.g. 409 for a move its state machine forbids), undefined when delivery should be retried (network,
 * 5xx, 408, 429, credentials).
 */
export function permanentRefusal(error: unknown): EventRefusal | undefined {
  if (!(error instanceof ProblemError)) return undefined;
  const { status, detail, title } = error;
  if (status < 400 || status >= 500 || RETRIED_CLIENT_ERRORS.includes(status)) return undefined;
  // A body that was no problem document arrives with its text start as detail (the sdk's ProblemError).
  return { status, detail: detail || title };
}
