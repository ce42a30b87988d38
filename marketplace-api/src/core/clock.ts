/** The time source of every time-dependent rule (sessions, heartbeats, credentials); tests move it by hand. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock that stands still until told to move.
 *
 * @example
 * const clock = new ManualClock(new Date("2025-01-01T00:00:00Z"));
 * clock.advance(60_000); // one heartbeat interval later
 */
export class ManualClock implements Clock {
  #now: number;

  constructor(start: Date = new Date()) {
    this.#now = start.getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  advance(ms: number): void {
    this.#now += ms;
  }

  set(date: Date): void {
    this.#now = date.getTime();
  }
}
