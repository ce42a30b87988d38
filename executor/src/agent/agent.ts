import type { Logger } from "@gpuc/platform";
import type { ExecutorReason, InstanceEvent, Rental } from "@gpuc/sdk";
import { runningSeconds, runWindow } from "../billing/metering.ts";
import { type BillingTerms, billedSeconds, isExhausted } from "../billing/terms.ts";
import { type ContainerPolicy, containerCreateOptions } from "../docker/container-spec.ts";
import type { ContainerRuntime } from "../docker/containers.ts";
import { ContainerNotFoundError } from "../docker/errors.ts";
import type { ImageStore } from "../docker/images.ts";
import type { GpuProbe, GpuStatus } from "../gpu/gpu-probe.ts";
import type { ProviderSigner } from "../keys/provider-signer.ts";
import type { Ledger, LedgerRental } from "../ledger/ledger.ts";
import { signHeartbeat } from "../marketplace/heartbeat.ts";
import type { AgentMarketplace } from "../marketplace/marketplace-client.ts";
import type { ExecutorMetrics } from "../metrics.ts";
import { EscrowRefusedError } from "../settlement/errors.ts";
import type { Settlement } from "../settlement/settlement.ts";
import { rejectionReason } from "./acceptance.ts";
import { rentalFromContainer } from "./adopt.ts";
import { Biller } from "./biller.ts";
import { permanentRefusal } from "./event-refusal.ts";

export interface AgentOptions {
  /** Seconds per billing period ("hour"); 3600 in production, a few seconds in tests and on a devnet. */
  readonly periodSeconds: number;
  /** Seconds between SIGTERM and SIGKILL when a rental is stopped. */
  readonly stopGraceSeconds: number;
  readonly tickMs: number;
  readonly heartbeatMs: number;
  /** How often the marketplace is asked for assigned rentals. */
  readonly pollMs: number;
  /** A submitted claim the escrow has not reflected after this long is considered lost and claimed again. */
  readonly claimStaleSeconds: number;
  /** Pause after a failed claim or close before trying again. */
  readonly settlementRetryMs: number;
  /** Ended rentals keep their container (for the consumer's logs) this long. */
  readonly retainEndedSeconds: number;
  readonly portAllowed: (port: number) => boolean;
  /** This executor's public HTTP URL, sent (signed) in every heartbeat so the marketplace can send consumers here. */
  readonly endpoint?: string;
  /**
   * `enforce` (default): a rental runs on exactly the GPUs it pins, and is refused if this machine lacks them.
   * `ignore`: its pins are dropped when it is taken on, so it runs without GPUs — for demo and CI machines that
   * have none (`GPUC_GPU_PINS`); a real provider never sets it, its consumers would pay for GPUs they do not get.
   */
  readonly gpuPins?: GpuPins;
}

export type GpuPins = "enforce" | "ignore";

export interface AgentDeps {
  readonly providerId: string;
  readonly ledger: Ledger;
  readonly runtime: ContainerRuntime;
  readonly images: ImageStore;
  readonly settlement: Settlement;
  readonly marketplace: AgentMarketplace;
  readonly probe: GpuProbe;
  readonly signer: ProviderSigner;
  readonly metrics: ExecutorMetrics;
  readonly log: Logger;
  readonly policy: ContainerPolicy;
  readonly options: AgentOptions;
}

export type StopResult = "stopping" | "already-ended" | "unknown";

/**
 * The provider's agent: takes on the rentals the marketplace assigns, runs them in Docker, meters them by
 * Docker's clock, claims each elapsed billing period, stops them on exhaustion or request, and settles the
 * rest with a close. All of its memory is the ledger and Docker, so a new agent on the same
 * database carries on where a killed one stopped.
 */
export class Agent {
  readonly #d: AgentDeps;
  readonly #biller: Biller;
  readonly #starting = new Map<string, Promise<void>>();
  readonly #stopping = new Map<string, Promise<void>>();
  readonly #timers: NodeJS.Timeout[] = [];
  #ticking: Promise<void> | undefined;
  #lastPoll = 0;
  #registered = false;

  constructor(deps: AgentDeps) {
    this.#d = deps;
    this.#biller = new Biller(deps);
  }

  /** Adopts surviving containers, then runs the tick and heartbeat loops. */
  async start(): Promise<void> {
    await this.recover();
    await this.heartbeat();
    await this.tick();
    const { tickMs, heartbeatMs } = this.#d.options;
    this.#timers.push(setInterval(() => void this.tick(), tickMs));
    this.#timers.push(setInterval(() => void this.heartbeat(), heartbeatMs));
  }

  /**
   * Stops the loops and waits for work in flight; containers keep running (a restarted executor adopts
   * them), as do pending settlements (the ledger resumes them).
   */
  async shutdown(): Promise<void> {
    for (const timer of this.#timers.splice(0)) clearInterval(timer);
    await this.#ticking;
    await Promise.allSettled([...this.#starting.values(), ...this.#stopping.values()]);
  }

  /** Finds this provider's containers by label and makes sure the ledger tracks each of them. */
  async recover(): Promise<void> {
    const { runtime, ledger, providerId, log } = this.#d;
    for (const container of await runtime.listManaged(providerId)) {
      const known = await ledger.get(container.instanceId);
      if (known) {
        if (!known.containerId) await ledger.setContainer(container.instanceId, container.id);
        log.info("CONTAINER_ADOPTED", { instanceId: container.instanceId, state: known.state });
        continue;
      }
      const info = await runtime.inspect(container.id);
      const rental = info && rentalFromContainer(info);
      if (!rental) {
        log.warn("CONTAINER_UNADOPTABLE", { containerId: container.id, instanceId: container.instanceId });
        continue;
      }
      await ledger.addRental({
        rental,
        providerId,
        terms: this.#termsOf(rental),
        state: info.State.Running ? "Running" : "Stopping",
        containerId: container.id,
      });
      log.warn("RENTAL_REBUILT_FROM_LABELS", { instanceId: rental.id });
    }
  }

  /** One pass of the control loop; concurrent calls share the pass in flight. */
  tick(): Promise<void> {
    this.#ticking ??= this.#tick().finally(() => {
      this.#ticking = undefined;
    });
    return this.#ticking;
  }

  async #tick(): Promise<void> {
    if (Date.now() - this.#lastPoll >= this.#d.options.pollMs) {
      await this.#guard("poll", () => this.#syncAssigned());
    }
    for (const rental of await this.#d.ledger.active())
      await this.#guard("meter", () => this.#advance(rental));
    this.#d.metrics.containersRunning.set(
      (await this.#d.ledger.active()).filter((r) => r.state !== "Starting").length,
    );
    await this.#guard("claim", () => this.#biller.claimDue());
    for (const rental of await this.#d.ledger.active()) {
      if (rental.state === "Stopping" && !this.#stopping.has(rental.instanceId)) {
        await this.#guard("close", () => this.#finalizeIfStopped(rental));
      }
    }
    await this.#guard("events", () => this.#flushEvents());
    await this.#guard("cleanup", () => this.#removeEnded());
  }

  /** Sends a signed heartbeat with the GPUs and running rentals; the first accepted one registers the executor. */
  async heartbeat(): Promise<void> {
    const { probe, ledger, signer, marketplace, metrics, log } = this.#d;
    const gpus = await this.#gpus();
    metrics.recordGpus(gpus);
    const instances = (await ledger.active()).map((rental) => ({
      id: rental.instanceId,
      state: rental.state,
      runningSeconds: rental.runningSeconds,
    }));
    const { endpoint } = this.#d.options;
    const heartbeat = signHeartbeat(signer, {
      providerId: this.#d.providerId,
      timestamp: new Date().toISOString(),
      gpus,
      instances,
      ...(endpoint ? { endpoint } : {}),
    });
    try {
      await marketplace.sendHeartbeat(heartbeat);
      metrics.heartbeats.inc({ result: "ok" });
      if (!this.#registered)
        log.info("EXECUTOR_REGISTERED", { address: signer.address, gpus: gpus.length, probe: probe.kind });
      this.#registered = true;
    } catch (error) {
      metrics.heartbeats.inc({ result: "error" });
      log.warn("HEARTBEAT_FAILED", { error });
    }
  }

  /** The consumer's (or marketplace's) stop: SIGTERM, kill after the grace period, then settle. */
  async requestStop(instanceId: string, reason: ExecutorReason): Promise<StopResult> {
    const rental = await this.#d.ledger.get(instanceId);
    if (!rental) return "unknown";
    const changed = await this.#markStopping(rental, reason);
    if (!changed && rental.state !== "Stopping") return "already-ended";
    const current = await this.#d.ledger.get(instanceId);
    if (current) this.#stopInBackground(current);
    return "stopping";
  }

  /** The container of a rental this executor runs, for logs and exec. */
  async containerOf(instanceId: string): Promise<string> {
    const rental = await this.#d.ledger.get(instanceId);
    if (!rental?.containerId) throw new ContainerNotFoundError(instanceId);
    return rental.containerId;
  }

  // ---- taking rentals on ----------------------------------------------------------------------------------

  async #syncAssigned(): Promise<void> {
    this.#lastPoll = Date.now();
    for (const rental of await this.#d.marketplace.assignedRentals()) {
      const known = await this.#d.ledger.get(rental.id);
      if (!known) {
        // One rental whose escrow cannot be checked yet (chain unreachable, box not indexed) waits for the next
        // poll without holding back the others.
        await this.#accept(rental).catch((error) =>
          this.#d.log.warn("RENTAL_TAKE_ON_DEFERRED", { instanceId: rental.id, error }),
        );
      } else if (rental.state === "Stopping" && (known.state === "Running" || known.state === "Starting")) {
        await this.requestStop(rental.id, "user_stopped");
      }
    }
  }

  async #accept(assigned: Rental): Promise<void> {
    const { ledger, providerId, log } = this.#d;
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
      await this.#gpus(),
      await ledger.active(),
      this.#d.options.portAllowed,
    );
    const inserted = await ledger.transaction(async () => {
      const added = await ledger.addRental({
        rental,
        providerId,
        terms: this.#termsOf(rental),
        state: "Starting",
      });
      if (added) await ledger.enqueueEvent(rental.id, { state: "Starting" });
      return added;
    });
    if (!inserted) return;
    log.info("RENTAL_ACCEPTED", { instanceId: rental.id, image: rental.image, gpus: rental.gpuIds.length });
    if (refusal || rental.state === "Stopping") {
      const reason = refusal ? "provider_rejected" : "user_stopped";
      await ledger.requestStop(rental.id, reason, refusal);
      log.warn("RENTAL_REFUSED", { instanceId: rental.id, reason, detail: refusal });
      return;
    }
    this.#startInBackground(rental);
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
    const { ledger, providerId, log, metrics } = this.#d;
    const reason = "provider_rejected";
    const refused = await ledger.transaction(async () => {
      const added = await ledger.addRental({
        rental,
        providerId,
        terms: this.#termsOf(rental),
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

  #startInBackground(rental: Rental): void {
    if (this.#starting.has(rental.id)) return;
    const task = this.#startContainer(rental)
      .catch(async (error) => {
        this.#d.log.error("RENTAL_START_FAILED", { instanceId: rental.id, error });
        const detail = error instanceof Error ? error.message : String(error);
        await this.#d.ledger.requestStop(rental.id, "provider_rejected", detail);
      })
      .finally(() => this.#starting.delete(rental.id));
    this.#starting.set(rental.id, task);
  }

  /** Image first (not billed), then the isolated container; billing starts at Docker's StartedAt. */
  async #startContainer(rental: Rental): Promise<void> {
    const { images, runtime, ledger, policy, log } = this.#d;
    let lastLog = 0;
    const image = await images.ensure(rental.image, (progress) => {
      if (Date.now() - lastLog < 5000) return;
      lastLog = Date.now();
      log.info("IMAGE_PULL_PROGRESS", { instanceId: rental.id, ...progress });
    });
    if ((await ledger.get(rental.id))?.state !== "Starting") return; // stopped while the image was coming
    if ((rental.ports ?? []).length > 0) {
      const network = await runtime.ensureNetwork({
        name: policy.portNetwork,
        ...(policy.portSubnet ? { subnet: policy.portSubnet } : {}),
      });
      log.info("RENTAL_NETWORK_READY", { instanceId: rental.id, ...network });
    }
    const options = containerCreateOptions({
      rental,
      policy,
      readOnlyRootfs: image.allowsReadOnlyRootfs,
      volumes: image.volumes,
    });
    const containerId = await runtime.create(options);
    await ledger.setContainer(rental.id, containerId);
    await runtime.start(containerId);
    await this.#markRunning(rental.id, containerId);
  }

  async #markRunning(instanceId: string, containerId: string): Promise<void> {
    const info = await this.#d.runtime.inspect(containerId);
    const startedAt = info ? runWindow(info.State).startedAt : null;
    if (!startedAt) return;
    await this.#d.ledger.transaction(async () => {
      if (await this.#d.ledger.markRunning(instanceId, startedAt)) {
        await this.#d.ledger.enqueueEvent(instanceId, { state: "Running" });
        this.#d.log.info("RENTAL_RUNNING", { instanceId, containerId, startedAt: startedAt.toISOString() });
      }
    });
  }

  // ---- metering and stopping ------------------------------------------------------------------------------

  /** Meters one rental by Docker's clock and stops it when its prepaid time is used up. */
  async #advance(rental: LedgerRental): Promise<void> {
    const { runtime, ledger, metrics } = this.#d;
    if (rental.state === "Starting" && !rental.containerId) {
      this.#startInBackground(rental.rental);
      return;
    }
    if (!rental.containerId) return;
    const info = await runtime.inspect(rental.containerId);
    if (!info) {
      // The container vanished (removed by hand, engine reset): bill what was last metered, then settle.
      await this.#markStopping(rental, "provider_down", "the container disappeared from the Docker engine");
      await ledger.forgetContainer(rental.instanceId);
      return;
    }
    if (rental.state === "Starting") {
      if (info.State.Running) await this.#markRunning(rental.instanceId, rental.containerId);
      else if (!this.#starting.has(rental.instanceId)) this.#startInBackground(rental.rental);
      return;
    }
    const window = runWindow(info.State);
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
    if (info.State.Running) {
      if (rental.state === "Running" && isExhausted(rental.terms, running)) {
        if (await this.#biller.toppedUp(rental)) return; // the consumer extended the escrow: keep running
        await this.#markStopping(rental, "funds_exhausted");
        this.#stopInBackground(rental);
      } else if (rental.state === "Stopping") {
        this.#stopInBackground(rental);
      }
    } else if (rental.state === "Running") {
      await this.#markStopping(rental, null, `the container exited with code ${info.State.ExitCode}`);
    }
  }

  async #markStopping(
    rental: LedgerRental,
    reason: ExecutorReason | null,
    detail?: string,
  ): Promise<boolean> {
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

  #stopInBackground(rental: LedgerRental): void {
    const containerId = rental.containerId;
    if (!containerId || this.#stopping.has(rental.instanceId)) return;
    const task = this.#d.runtime
      .stop(containerId, this.#d.options.stopGraceSeconds)
      .catch((error) => this.#d.log.error("CONTAINER_STOP_FAILED", { instanceId: rental.instanceId, error }))
      .finally(() => this.#stopping.delete(rental.instanceId));
    this.#stopping.set(rental.instanceId, task);
  }

  /** Settles a stopping rental once its container has exited (or never existed). */
  async #finalizeIfStopped(rental: LedgerRental): Promise<void> {
    if (this.#starting.has(rental.instanceId)) return;
    if (rental.containerId) {
      const info = await this.#d.runtime.inspect(rental.containerId);
      if (info?.State.Running) {
        this.#stopInBackground(rental);
        return;
      }
    }
    const fresh = (await this.#d.ledger.get(rental.instanceId)) ?? rental;
    const ended = await this.#biller.close(fresh);
    if (!ended) return;
    this.#d.metrics.forgetInstance(rental.instanceId);
    this.#d.metrics.rentals.inc({ state: ended, reason: fresh.stopReason ?? "none" });
  }

  // ---- marketplace events and housekeeping ----------------------------------------------------------------

  async #flushEvents(): Promise<void> {
    for (const event of await this.#d.ledger.unsentEvents()) {
      // In order: a transient failure stops the flush, the next tick retries from the same event. A permanent
      // refusal counts as delivered, or that one event would hold back every later one (a Completed) for good.
      try {
        await this.#d.marketplace.reportEvent(event.instanceId, event.body);
      } catch (error) {
        const refusal = permanentRefusal(error);
        if (!refusal) throw error;
        this.#d.log.warn("EVENT_REJECTED", {
          instanceId: event.instanceId,
          state: event.body.state,
          status: refusal.status,
          detail: refusal.detail,
        });
      }
      await this.#d.ledger.markEventSent(event.id);
    }
  }

  async #removeEnded(): Promise<void> {
    const cutoff = new Date(Date.now() - this.#d.options.retainEndedSeconds * 1000);
    for (const rental of await this.#d.ledger.endedWithContainer(cutoff)) {
      if (rental.containerId) await this.#d.runtime.remove(rental.containerId);
      await this.#d.ledger.forgetContainer(rental.instanceId);
      this.#d.log.info("CONTAINER_REMOVED", { instanceId: rental.instanceId });
    }
  }

  async #gpus(): Promise<readonly GpuStatus[]> {
    try {
      return await this.#d.probe.list();
    } catch (error) {
      this.#d.log.error("GPU_PROBE_FAILED", { error });
      return [];
    }
  }

  #termsOf(rental: Rental): BillingTerms {
    return {
      periodSeconds: this.#d.options.periodSeconds,
      prepaidPeriods: rental.hours,
      pricePerPeriod: BigInt(rental.pricePerHour),
    };
  }

  async #guard(step: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.#d.log.warn("TICK_STEP_FAILED", { step, error });
    }
  }
}
