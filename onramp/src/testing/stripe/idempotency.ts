import { isDeepStrictEqual } from "node:util";
import { StandInApiError, StandInParamError } from "./errors.ts";

/** The request a key was first used for. */
export interface KeyedRequest {
  readonly method: string;
  readonly path: string;
  readonly params: unknown;
}

interface Outcome {
  readonly status: number;
  readonly body: object;
  readonly error?: StandInApiError;
}

/**
 * Stripe's idempotency (https://docs.stripe.com/api/idempotent_requests): the first result under a key is kept
 * and replayed for the same request; the key with another endpoint or other parameters is a 400
 * `idempotency_error`. Refusals of the parameters themselves are not kept, so a corrected retry may reuse
 * the key. (Stripe forgets keys after 24 hours; a stand-in's life is shorter.)
 */
export class IdempotencyLedger {
  readonly #kept = new Map<string, { request: KeyedRequest; outcome: Outcome }>();

  /** `scope` is the API key: keys of different accounts never meet. */
  run(
    scope: string,
    key: string,
    request: KeyedRequest,
    execute: () => Outcome,
  ): Outcome & { replayed: boolean } {
    const kept = this.#kept.get(`${scope}\n${key}`);
    if (kept) {
      if (!sameRequest(kept.request, request))
        return { ...conflict(key, kept.request, request), replayed: false };
      return { ...kept.outcome, replayed: true };
    }
    const outcome = execute();
    if (!(outcome.error instanceof StandInParamError))
      this.#kept.set(`${scope}\n${key}`, { request, outcome });
    return { ...outcome, replayed: false };
  }
}

const sameRequest = (a: KeyedRequest, b: KeyedRequest) =>
  a.method === b.method && a.path === b.path && isDeepStrictEqual(a.params ?? {}, b.params ?? {});

function conflict(key: string, first: KeyedRequest, now: KeyedRequest): Outcome {
  const message =
    first.path !== now.path || first.method !== now.method
      ? `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${first.method} ${first.path}' vs '${now.method} ${now.path}'). Try using a key other than '${key}' if you meant to execute a different request.`
      : `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`;
  const error = new StandInApiError(400, message, { type: "idempotency_error" });
  return { status: 400, body: error.body, error };
}
