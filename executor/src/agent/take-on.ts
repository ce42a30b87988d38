import type { Rental } from "@gpuc/sdk";
import { EscrowRefusedError } from "../settlement/errors.ts";
import { rejectionReason } from "./acceptance.ts";
import type { AgentDeps } from "./deps.ts";
import { listGpus } from "./gpus.ts";
import { termsOf } from "./rental-terms.ts";
import type { RentalStarter } from "./starter.ts";
import type { RentalStopper } from "./stopper.ts";

type TakeOnDeps = Pick<
  AgentDeps,
  "ledger" | "providerId" | "log" | "metrics" | "marketplace" | "settlement" | "probe" | "options"
>;

/**
 * Follows the marketplace's list of rentals assigned to this executor: takes new ones on (after checking their
 * escrow on chain and that this machine can run them), and stops the ones the marketplace says are stopping.
 */
export class TakeOn {
  readonly #d: TakeOnDeps;
  readonly #starter: Pick<RentalStarter, "start">;
  readonly #stopper: Pick<RentalStopper, "request">;
  #lastPoll = 0;
  #syncing: Promise<void> | undefined;
  #again: Promise<void> | undefined;

  constructor(
    deps: TakeOnDeps,
    starter: Pick<RentalStarter, "start">,
    stopper: Pick<RentalStopper, "request">,
  ) {
    this.#d = deps;
    this.#starter = starter;
    this.#stopper = stopper;
  }

  /** Whether `pollMs` has passed since the marketplace was last asked (ticks come more often than polls). */
  pollDue(): boolean {
    return Date.now() - this.#lastPoll >= this.#d.options.pollMs;
  }

  /**
   * Syncs now, or once more right after the sync in flight: a push that arrives while the list is being read
   * may be about a change that list did not hold yet, so it must not be merged into it.
   */
  sync(): Promise<void> {
    if (!this.#syncing) {
      this.#syncing = this.syncAssigned().finally(() => {
        this.#syncing = undefined;
      });
      return this.#syncing;
    }
    this.#again ??= this.#syncing
      .catch(() => undefined)
      .then(() => {
        this.#again = undefined;
        return this.sync();
      });
    return this.#again;
  }

  /** Resolves when no sync is in flight or queued (the agent is shutting down). */
  async settled(): Promise<void> {
    while (this.#again ?? this.#syncing) await (this.#again ?? this.#syncing)?.catch(() => undefined);
  }

  async syncAssigned(): Promise<void> {
    const { marketplace, ledger, log } = this.#d;
    this.#lastPoll = Date.now();
    for (const rental of await marketplace.assignedRentals()) {
      const known = await ledger.get(rental.id);
      if (!known) {
        // One rental whose escrow cannot be checked yet (chain unreachable, box not indexed) waits for the next
        // poll without holding back the others.
        await this.#accept(rental).catch((error) =>
          log.warn("RENTAL_TAKE_ON_DEFERRED", { instanceId: rental.id, error }),
        );
      } else if (rental.state === "Stopping" && (known.state === "Running" || known.state === "Starting")) {
        await this.#stopper.request(rental.id, "user_stopped");
      }
    }
  }

  async #accept(assigned: Rental): Promise<void> {
    const { ledger, log, options } = this.#d;
    let rental: Rental;
    try {
      rental = await this.#onChainTerms(this.#applyGpuPins(assigned));
    } catch (error) {
      if (!(error instanceof EscrowRefusedError)) throw error;
      await this.#refuseEscrow(assigned, error.reason);
      return;
    }
    const refusal = rejectionReason(
      rental,
      await listGpus(this.#d),
      await ledger.active(),
      options.portAllowed,
    );
    if (!(await this.#record(rental))) return;
    log.info("RENTAL_ACCEPTED", { instanceId: rental.id, image: rental.image, gpus: rental.gpuIds.length });
    // Recorded even when refused: the ledger row is what carries the refusal to the marketplace and the close.
    if (refusal || rental.state === "Stopping") {
      const reason = refusal ? "provider_rejected" : "user_stopped";
      await ledger.requestStop(rental.id, reason, refusal);
      log.warn("RENTAL_REFUSED", { instanceId: rental.id, reason, detail: refusal });
      return;
    }
    this.#starter.start(rental);
  }

  /** Adds the rental as Starting with its event; false if another poll recorded it first. */
  async #record(rental: Rental): Promise<boolean> {
    const { ledger, providerId, options } = this.#d;
    return ledger.transaction(async () => {
      const added = await ledger.addRental({
        rental,
        providerId,
        terms: termsOf(rental, options.periodSeconds),
        state: "Starting",
      });
      if (added) await ledger.enqueueEvent(rental.id, { state: "Starting" });
      return added;
    });
  }

  /**
   * The rental with its billing terms as the chain holds them (the escrow's opening box, start height, prepaid
   * periods, price): the marketplace only says which escrow to look at, the chain says what it pays.
   */
  async #onChainTerms(rental: Rental): Promise<Rental> {
    const chain = await this.#d.settlement.verify({
      instanceId: rental.id,
      escrowBoxId: rental.escrowBoxId,
      startHeight: rental.startHeight,
      prepaidPeriods: rental.hours,
      pricePerPeriod: BigInt(rental.pricePerHour),
    });
    const terms = {
      escrowBoxId: chain.escrowBoxId,
      startHeight: chain.startHeight,
      hours: chain.prepaidPeriods,
      pricePerHour: chain.pricePerPeriod.toString(),
    };
    if (terms.hours !== rental.hours || terms.pricePerHour !== rental.pricePerHour) {
      this.#d.log.warn("ESCROW_TERMS_DIFFER", {
        instanceId: rental.id,
        marketplace: { hours: rental.hours, pricePerHour: rental.pricePerHour },
        chain: { hours: terms.hours, pricePerHour: terms.pricePerHour },
      });
    }
    return { ...rental, ...terms };
  }

  /** Refuses a rental whose escrow must not be served: ended at once, the escrow left untouched. */
  async #refuseEscrow(rental: Rental, detail: string): Promise<void> {
    const { ledger, providerId, log, metrics, options } = this.#d;
    const reason = "provider_rejected";
    const refused = await ledger.transaction(async () => {
      const added = await ledger.addRental({
        rental,
        providerId,
        terms: termsOf(rental, options.periodSeconds),
        state: "Starting",
      });
      if (!added) return false;
      await ledger.enqueueEvent(rental.id, { state: "Starting" });
      await ledger.requestStop(rental.id, reason, detail);
      await ledger.finish(rental.id, "Failed");
      await ledger.enqueueEvent(rental.id, { state: "Failed", reason, detail, billedSeconds: 0 });
      return true;
    });
    if (!refused) return;
    metrics.rentals.inc({ state: "Failed", reason });
    log.warn("RENTAL_REFUSED", { instanceId: rental.id, reason, detail });
  }

  /** The one place `gpuPins: "ignore"` acts: what the ledger records, refusals and the container all follow. */
  #applyGpuPins(rental: Rental): Rental {
    if (this.#d.options.gpuPins !== "ignore" || rental.gpuIds.length === 0) return rental;
    this.#d.log.warn("GPU_PINS_IGNORED", { instanceId: rental.id, gpuIds: rental.gpuIds });
    return { ...rental, gpuIds: [] };
  }
}
