/**
 * Background work keyed by rental (a container start, a container stop), at most one in flight per rental so a
 * tick that finds it still running does not start a second; kept until it settles so shutdown can wait for it.
 */
export class PerRentalTasks {
  readonly #tasks = new Map<string, Promise<void>>();

  has(instanceId: string): boolean {
    return this.#tasks.has(instanceId);
  }

  /** Runs `work` unless this rental's is still in flight; `work` catches its own errors. */
  run(instanceId: string, work: () => Promise<void>): void {
    if (this.#tasks.has(instanceId)) return;
    const task = work().finally(() => this.#tasks.delete(instanceId));
    this.#tasks.set(instanceId, task);
  }

  /** The tasks in flight now, for shutdown to wait on. */
  inFlight(): Promise<void>[] {
    return [...this.#tasks.values()];
  }
}
