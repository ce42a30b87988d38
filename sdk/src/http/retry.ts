/** When and how often a call is tried again. */
export interface RetryPolicy {
  /** Tries in all, the first included (1 = never retry). */
  readonly attempts: number;
  /** First backoff; each further one doubles, up to `maxDelayMs`, with jitter. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A `Retry-After` longer than this is not waited for: the error goes to the caller. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 3,
  baseDelayMs: 250,
  maxDelayMs: 4_000,
  maxRetryAfterMs: 30_000,
};

const IDEMPOTENT = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);

/**
 * Whether a call may be sent twice without doing twice what it does: GET/HEAD/PUT/DELETE, or any call carrying an
 * idempotency key. A plain POST (sign-in, rent, fund) is never repeated by the client.
 */
export function isIdempotent(method: string, idempotencyKey: string | undefined): boolean {
  return IDEMPOTENT.has(method.toUpperCase()) || idempotencyKey !== undefined;
}

/** Gateway failures worth another try; 429 and 503 only wait as long as `Retry-After` says, when it says. */
export function isRetryableStatus(status: number, retryAfterMs: number | undefined): boolean {
  if (status === 502 || status === 503 || status === 504) return true;
  return status === 429 && retryAfterMs !== undefined;
}

/** The backoff before try `attempt + 1` (attempt counts from 1): exponential, half of it random. */
export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/**
 * `Retry-After` in milliseconds: delay-seconds ("120") or an HTTP date; undefined when absent or unreadable.
 *
 * @example
 * retryAfterMs("2"); // 2000
 */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
