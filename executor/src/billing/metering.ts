// Docker reports "0001-01-01T00:00:00Z" for a time that has not happened (not started, not finished).
const DOCKER_ZERO_TIME_YEAR = 1;

/** The part of `docker inspect`'s `State` that metering reads. */
export interface DockerRunState {
  readonly Running: boolean;
  readonly StartedAt: string;
  readonly FinishedAt: string;
}

export interface RunWindow {
  readonly startedAt: Date | null;
  /** Null while the container is still running. */
  readonly finishedAt: Date | null;
}

/** Parses Docker's nanosecond RFC 3339 timestamps; null for Docker's zero time. */
export function parseDockerTime(value: string): Date | null {
  if (!value) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() <= DOCKER_ZERO_TIME_YEAR) return null;
  return date;
}

/** When Docker says the container ran: its own clock, not the executor's, is the billing source. */
export function runWindow(state: DockerRunState): RunWindow {
  const startedAt = parseDockerTime(state.StartedAt);
  return { startedAt, finishedAt: state.Running ? null : parseDockerTime(state.FinishedAt) };
}

/** Whole seconds the container has run: `FinishedAt − StartedAt`, or `now − StartedAt` while running. */
export function runningSeconds(window: RunWindow, now: Date = new Date()): number {
  if (!window.startedAt) return 0;
  const end = window.finishedAt ?? now;
  return Math.max(0, Math.floor((end.getTime() - window.startedAt.getTime()) / 1000));
}
