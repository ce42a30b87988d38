/**
 * Counts the calls in flight per key (an instance's logs streams and execs) and refuses more than `max`: each
 * open follow or exec holds a Docker connection and memory, so one consumer must not open them without bound.
 *
 * @example
 * const release = limiter.tryAcquire(instanceId);
 * if (!release) return res.status(429)…;
 * res.on("close", release);
 */
export class CallLimiter {
  readonly #active = new Map<string, number>();

  constructor(readonly max: number) {}

  /** A release function (idempotent), or undefined when `key` already has `max` calls in flight. */
  tryAcquire(key: string): (() => void) | undefined {
    const count = this.#active.get(key) ?? 0;
    if (count >= this.max) return undefined;
    this.#active.set(key, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#active.get(key) ?? 1) - 1;
      if (left > 0) this.#active.set(key, left);
      else this.#active.delete(key);
    };
  }

  inFlight(key: string): number {
    return this.#active.get(key) ?? 0;
  }
}
