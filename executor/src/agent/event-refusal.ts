import { MarketplaceHttpError } from "../marketplace/http-marketplace-client.ts";

/** The marketplace refused one event for good: its status and the problem's detail (or the body's start). */
export interface EventRefusal {
  readonly status: number;
  readonly detail: string;
}

// 408 and 429 ask to come back later; 401/403 say this executor's API key is wrong or revoked, not that the event
// is — retrying keeps the events until the provider fixes GPUC_API_KEY instead of discarding every one of them.
const RETRIED_CLIENT_ERRORS: readonly number[] = [401, 403, 408, 429];

/**
 * The refusal when `error` is a permanent one for this event (a 4xx the marketplace will answer again however often
 * it is sent, e.g. 409 for a move its state machine forbids), undefined when delivery should be retried (network,
 * 5xx, 408, 429, credentials).
 */
export function permanentRefusal(error: unknown): EventRefusal | undefined {
  if (!(error instanceof MarketplaceHttpError)) return undefined;
  const { status, body } = error;
  if (status < 400 || status >= 500 || RETRIED_CLIENT_ERRORS.includes(status)) return undefined;
  return { status, detail: problemDetail(body) };
}

function problemDetail(body: string): string {
  try {
    const problem: unknown = JSON.parse(body);
    if (problem && typeof problem === "object") {
      const { detail, title } = problem as { detail?: unknown; title?: unknown };
      if (typeof detail === "string") return detail;
      if (typeof title === "string") return title;
    }
  } catch {
    // Not JSON (a proxy's HTML page, plain text): the raw start says enough.
  }
  return body.slice(0, 300);
}
