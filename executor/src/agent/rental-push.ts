import type { AgentDeps } from "./deps.ts";

type PushDeps = Pick<AgentDeps, "marketplace" | "log">;

export interface RentalPushOptions {
  /** First wait after the stream failed; doubled on each failure in a row up to `maxBackoffMs`. */
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
}

const DEFAULTS: RentalPushOptions = { minBackoffMs: 1_000, maxBackoffMs: 60_000 };

/**
 * Follows the marketplace's push for this provider's rentals and calls `onPush` for each event: a rental was
 * funded or asked to stop, or the stream (re)connected and changes may have been missed. The sdk stream
 * reconnects by itself after a drop; when the marketplace refuses it (an older one without the route, a key
 * problem), it is opened again after a backoff. The agent's poll keeps running meanwhile: it is the fallback.
 */
export class RentalPush {
  readonly #d: PushDeps;
  readonly #onPush: () => void;
  readonly #options: RentalPushOptions;
  readonly #abort = new AbortController();
  #loop: Promise<void> | undefined;

  constructor(deps: PushDeps, onPush: () => void, options: Partial<RentalPushOptions> = {}) {
    this.#d = deps;
    this.#onPush = onPush;
    this.#options = { ...DEFAULTS, ...options };
  }

  /** Starts following (nothing to follow when the marketplace client has no push). */
  start(): void {
    if (!this.#d.marketplace.rentalChanges || this.#loop) return;
    this.#loop = this.#follow();
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
  }

  async #follow(): Promise<void> {
    const { signal } = this.#abort;
    let backoffMs = this.#options.minBackoffMs;
    while (!signal.aborted) {
      try {
        for await (const event of this.#d.marketplace.rentalChanges!({ signal })) {
          backoffMs = this.#options.minBackoffMs;
          if (event.type === "sync") this.#d.log.debug("RENTAL_PUSH_SYNC", {});
          this.#onPush();
        }
      } catch (error) {
        if (signal.aborted) return;
        this.#d.log.warn("RENTAL_PUSH_DOWN", { error, retryInMs: backoffMs, fallback: "polling" });
      }
      await sleep(backoffMs, signal);
      backoffMs = Math.min(backoffMs * 2, this.#options.maxBackoffMs);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
