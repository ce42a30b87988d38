import type { ContainerInspectInfo } from "dockerode";
import { runningSeconds, runWindow } from "../billing/metering.ts";
import { billedSeconds, isExhausted } from "../billing/terms.ts";
import type { LedgerRental } from "../ledger/ledger.ts";
import { runFacts } from "../receipts/run-facts.ts";
import type { Biller } from "./biller.ts";
import type { AgentDeps } from "./deps.ts";
import type { RentalStarter } from "./starter.ts";
import type { RentalStopper } from "./stopper.ts";

type MeterDeps = Pick<AgentDeps, "runtime" | "ledger" | "metrics">;
type DockerState = ContainerInspectInfo["State"];

/**
 * One tick's look at one active rental: meters it by Docker's clock (never the executor's), and moves it on —
 * a start to resume, a container that vanished or exited, prepaid time used up.
 */
export class Meter {
  readonly #d: MeterDeps;
  readonly #biller: Pick<Biller, "toppedUp">;
  readonly #starter: Pick<RentalStarter, "start" | "markRunning">;
  readonly #stopper: Pick<RentalStopper, "markStopping" | "stop">;

  constructor(
    deps: MeterDeps,
    biller: Pick<Biller, "toppedUp">,
    starter: Pick<RentalStarter, "start" | "markRunning">,
    stopper: Pick<RentalStopper, "markStopping" | "stop">,
  ) {
    this.#d = deps;
    this.#biller = biller;
    this.#starter = starter;
    this.#stopper = stopper;
  }

  /** Meters one rental and stops it when its prepaid time is used up. */
  async advance(rental: LedgerRental): Promise<void> {
    const { containerId } = rental;
    if (!containerId) {
      // No container yet: a start the last executor did not finish (the starter skips one under way).
      if (rental.state === "Starting") this.#starter.start(rental.rental);
      return;
    }
    const info = await this.#d.runtime.inspect(containerId);
    if (!info) return this.#vanished(rental);
    if (rental.state === "Starting") {
      if (info.State.Running) await this.#starter.markRunning(rental.instanceId, containerId);
      else this.#starter.start(rental.rental);
      return;
    }
    const running = await this.#record(rental, info.State);
    await this.#d.ledger.receipts.recordRun(rental.instanceId, runFacts(info));
    await this.#enforce(rental, info.State, running);
  }

  /** The container vanished (removed by hand, engine reset): bill what was last metered, then settle. */
  async #vanished(rental: LedgerRental): Promise<void> {
    await this.#stopper.markStopping(
      rental,
      "provider_down",
      "the container disappeared from the Docker engine",
    );
    await this.#d.ledger.forgetContainer(rental.instanceId);
  }

  /** Writes the rental's running and billed seconds to the ledger and the metrics; returns the running seconds. */
  async #record(rental: LedgerRental, state: DockerState): Promise<number> {
    const { ledger, metrics } = this.#d;
    const window = runWindow(state);
    const running = runningSeconds(window);
    const billed = billedSeconds(rental.terms, running);
    await ledger.recordMeter(rental.instanceId, {
      ...window,
      runningSeconds: running,
      billedSeconds: billed,
    });
    metrics.instanceRunningSeconds.set({ instance: rental.instanceId }, running);
    metrics.instanceBilledSeconds.set({ instance: rental.instanceId }, billed);
    if (billed > rental.billedSeconds) metrics.billedSeconds.inc(billed - rental.billedSeconds);
    return running;
  }

  /** Stops a rental whose prepaid time is used up, keeps stopping one that should be, notes one that exited. */
  async #enforce(rental: LedgerRental, state: DockerState, running: number): Promise<void> {
    if (!state.Running) {
      if (rental.state === "Running") {
        await this.#stopper.markStopping(rental, null, `the container exited with code ${state.ExitCode}`);
      }
      return;
    }
    if (rental.state === "Running" && isExhausted(rental.terms, running)) {
      if (await this.#biller.toppedUp(rental)) return; // the consumer extended the escrow: keep running
      await this.#stopper.markStopping(rental, "funds_exhausted");
      this.#stopper.stop(rental);
    } else if (rental.state === "Stopping") {
      this.#stopper.stop(rental);
    }
  }
}
