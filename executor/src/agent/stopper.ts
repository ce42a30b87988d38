import type { ExecutorReason, InstanceEvent } from "@gpuc/sdk";
import type { LedgerRental } from "../ledger/ledger.ts";
import type { Biller } from "./biller.ts";
import type { AgentDeps } from "./deps.ts";
import { PerRentalTasks } from "./per-rental-tasks.ts";
import type { RentalStarter } from "./starter.ts";

export type StopResult = "stopping" | "already-ended" | "unknown";

type StopperDeps = Pick<AgentDeps, "runtime" | "ledger" | "metrics" | "log" | "options">;

/**
 * Ends rentals: marks them Stopping (with the reason the marketplace is told), stops their container beside the
 * tick loop (SIGTERM, SIGKILL after the grace period), and settles each one's escrow once its container is down.
 */
export class RentalStopper {
  readonly #d: StopperDeps;
  readonly #biller: Pick<Biller, "close">;
  readonly #starter: Pick<RentalStarter, "isStarting">;
  readonly #tasks = new PerRentalTasks();

  constructor(deps: StopperDeps, biller: Pick<Biller, "close">, starter: Pick<RentalStarter, "isStarting">) {
    this.#d = deps;
    this.#biller = biller;
    this.#starter = starter;
  }

  isStopping(instanceId: string): boolean {
    return this.#tasks.has(instanceId);
  }

  inFlight(): Promise<void>[] {
    return this.#tasks.inFlight();
  }

  /** The consumer's (or marketplace's) stop: SIGTERM, kill after the grace period, then settle. */
  async request(instanceId: string, reason: ExecutorReason): Promise<StopResult> {
    const { ledger } = this.#d;
    const rental = await ledger.get(instanceId);
    if (!rental) return "unknown";
    const changed = await this.markStopping(rental, reason);
    // A rental already Stopping is stopped again (a retried request): only an ended one has nothing left to do.
    if (!changed && rental.state !== "Stopping") return "already-ended";
    const current = await ledger.get(instanceId);
    if (current) this.stop(current);
    return "stopping";
  }

  /** Moves the rental to Stopping and queues the event, once; false if it was not Starting or Running. */
  async markStopping(rental: LedgerRental, reason: ExecutorReason | null, detail?: string): Promise<boolean> {
    const { ledger, log } = this.#d;
    return ledger.transaction(async () => {
      const changed = await ledger.requestStop(rental.instanceId, reason, detail);
      if (changed) {
        const event: InstanceEvent = { state: "Stopping", ...(reason ? { reason } : {}) };
        await ledger.enqueueEvent(rental.instanceId, event);
        log.info("RENTAL_STOPPING", { instanceId: rental.instanceId, reason, detail });
      }
      return changed;
    });
  }

  /** Stops the rental's container unless a stop is under way; a failed stop is retried by a later tick. */
  stop(rental: LedgerRental): void {
    const { runtime, log, options } = this.#d;
    const containerId = rental.containerId;
    if (!containerId) return;
    this.#tasks.run(rental.instanceId, () =>
      runtime
        .stop(containerId, options.stopGraceSeconds)
        .catch((error) => log.error("CONTAINER_STOP_FAILED", { instanceId: rental.instanceId, error })),
    );
  }

  /** Settles a stopping rental once its container has exited (or never existed). */
  async settleIfStopped(rental: LedgerRental): Promise<void> {
    // A start in flight may still create the container; settling first would close the escrow under it.
    if (this.#starter.isStarting(rental.instanceId)) return;
    if (rental.containerId) {
      const info = await this.#d.runtime.inspect(rental.containerId);
      if (info?.State.Running) {
        this.stop(rental);
        return;
      }
    }
    const { ledger, metrics } = this.#d;
    const fresh = (await ledger.get(rental.instanceId)) ?? rental;
    const ended = await this.#biller.close(fresh);
    if (!ended) return;
    metrics.forgetInstance(rental.instanceId);
    metrics.rentals.inc({ state: ended, reason: fresh.stopReason ?? "none" });
  }
}
