import { verifyMessage } from "@gpuc/offchain";
import type { ExecutorReason, InstanceReceipts, PrecheckRequest } from "@gpuc/sdk";
import { ContainerNotFoundError } from "../docker/errors.ts";
import type { GpuStatus } from "../gpu/gpu-probe.ts";
import { pinnedGpus } from "../gpu/gpu-probe.ts";
import { sampleGpuUsage } from "../receipts/usage.ts";
import { receiptsView } from "../receipts/view.ts";
import { adoptContainers } from "./adopt.ts";
import { Biller } from "./biller.ts";
import { removeEnded } from "./cleanup.ts";
import type { AgentDeps } from "./deps.ts";
import { flushEvents } from "./event-outbox.ts";
import { listGpus } from "./gpus.ts";
import { Heartbeat } from "./heartbeat.ts";
import { Meter } from "./meter.ts";
import { precheckRental } from "./precheck.ts";
import { flushReceiptBatches } from "./receipt-outbox.ts";
import { RentalPush } from "./rental-push.ts";
import { RentalStarter } from "./starter.ts";
import { RentalStopper, type StopResult } from "./stopper.ts";
import { TakeOn } from "./take-on.ts";

export type { AgentDeps, AgentOptions, GpuPins } from "./deps.ts";
export type { StopResult } from "./stopper.ts";

/**
 * The provider's agent: takes on the rentals the marketplace assigns, runs them in Docker, meters them by
 * Docker's clock, claims each elapsed billing period, stops them on exhaustion or request, and settles the
 * rest with a close. All of its memory is the ledger and Docker, so a new agent on the same
 * database carries on where a killed one stopped. This class runs the loops; each step is its own module.
 */
export class Agent {
  readonly #d: AgentDeps;
  readonly #biller: Biller;
  readonly #starter: RentalStarter;
  readonly #stopper: RentalStopper;
  readonly #takeOn: TakeOn;
  readonly #meter: Meter;
  readonly #heartbeat: Heartbeat;
  readonly #push: RentalPush;
  readonly #timers: NodeJS.Timeout[] = [];
  #ticking: Promise<void> | undefined;
  #flushing: Promise<void> | undefined;
  #flushAgain: Promise<void> | undefined;

  constructor(deps: AgentDeps) {
    this.#d = deps;
    this.#biller = new Biller(deps);
    this.#starter = new RentalStarter(deps, () => void this.#guard("events", () => this.#flushEvents()));
    this.#stopper = new RentalStopper(deps, this.#biller, this.#starter);
    this.#takeOn = new TakeOn(deps, this.#starter, this.#stopper);
    this.#meter = new Meter(deps, this.#biller, this.#starter, this.#stopper);
    this.#heartbeat = new Heartbeat(deps);
    this.#push = new RentalPush(deps, () => void this.#pushed());
  }

  /** Adopts surviving containers, then runs the tick and heartbeat loops. */
  async start(): Promise<void> {
    await this.recover();
    await this.heartbeat();
    await this.tick();
    const { tickMs, heartbeatMs } = this.#d.options;
    this.#timers.push(setInterval(() => void this.tick(), tickMs));
    this.#timers.push(setInterval(() => void this.heartbeat(), heartbeatMs));
    this.#push.start();
  }

  /**
   * Stops the loops and waits for work in flight; containers keep running (a restarted executor adopts
   * them), as do pending settlements (the ledger resumes them).
   */
  async shutdown(): Promise<void> {
    for (const timer of this.#timers.splice(0)) clearInterval(timer);
    await this.#push.stop();
    await this.#ticking;
    await this.#takeOn.settled();
    await Promise.allSettled([...this.#starter.inFlight(), ...this.#stopper.inFlight()]);
    await (this.#flushAgain ?? this.#flushing)?.catch(() => undefined);
  }

  /** Finds this provider's containers by label and makes sure the ledger tracks each of them. */
  recover(): Promise<void> {
    return adoptContainers(this.#d);
  }

  /** One pass of the control loop; concurrent calls share the pass in flight. */
  tick(): Promise<void> {
    this.#ticking ??= this.#tick().finally(() => {
      this.#ticking = undefined;
    });
    return this.#ticking;
  }

  /** Sends a signed heartbeat with the GPUs and running rentals; the first accepted one registers the executor. */
  heartbeat(): Promise<void> {
    return this.#heartbeat.send();
  }

  /** The consumer's (or marketplace's) stop: SIGTERM, kill after the grace period, then settle. */
  requestStop(instanceId: string, reason: ExecutorReason): Promise<StopResult> {
    return this.#stopper.request(instanceId, reason);
  }

  /** Why this executor would refuse the rental the marketplace is about to create (undefined: it would run it). */
  precheck(instanceId: string, request: PrecheckRequest): Promise<string | undefined> {
    return precheckRental(this.#d, instanceId, request);
  }

  /** The container of a rental this executor runs, for logs and exec. */
  async containerOf(instanceId: string): Promise<string> {
    const rental = await this.#d.ledger.get(instanceId);
    if (!rental?.containerId) throw new ContainerNotFoundError(instanceId);
    return rental.containerId;
  }

  /**
   * The GPUs the rental pins, as the probe sees them now (by uuid or index, as pins may name either); none for
   * a CPU-only rental or when the probe fails (its failure is logged, and a stats reading should still answer).
   */
  async gpusOf(instanceId: string): Promise<readonly GpuStatus[]> {
    const pins = (await this.#d.ledger.get(instanceId))?.rental.gpuIds ?? [];
    if (pins.length === 0) return [];
    return pinnedGpus(await listGpus(this.#d), pins);
  }

  /** The usage receipts this executor signed for a rental, with their proofs; undefined for a rental it never had. */
  async receiptsOf(instanceId: string): Promise<InstanceReceipts | undefined> {
    const { ledger } = this.#d;
    if (!(await ledger.get(instanceId))) return undefined;
    return receiptsView(await ledger.receipts.batchesOf(instanceId), instanceId, verifyMessage);
  }

  /** The marketplace pushed a change of one of our rentals: take on (or stop) at once, not at the next poll. */
  async #pushed(): Promise<void> {
    await this.#guard("push", () => this.#takeOn.sync());
  }

  // Each step is guarded on its own: one failing (marketplace down, chain unreachable) must not starve the rest.
  async #tick(): Promise<void> {
    const { ledger, metrics } = this.#d;
    if (this.#takeOn.pollDue()) await this.#guard("poll", () => this.#takeOn.sync());
    for (const rental of await ledger.active()) await this.#guard("meter", () => this.#meter.advance(rental));
    await this.#guard("usage", async () =>
      sampleGpuUsage(ledger.receipts, await ledger.active(), () => listGpus(this.#d)),
    );
    metrics.containersRunning.set((await ledger.active()).filter((r) => r.state !== "Starting").length);
    await this.#guard("claim", () => this.#biller.claimDue());
    for (const rental of await ledger.active()) {
      if (rental.state === "Stopping" && !this.#stopper.isStopping(rental.instanceId)) {
        await this.#guard("close", () => this.#stopper.settleIfStopped(rental));
      }
    }
    await this.#guard("events", () => this.#flushEvents());
    await this.#guard("receipts", () => flushReceiptBatches(this.#d));
    await this.#guard("cleanup", () => removeEnded(this.#d));
  }

  /**
   * Delivers the queued events, one flush at a time (two at once would send an event twice); a call during a
   * flush runs once more after it, for the events queued since.
   */
  #flushEvents(): Promise<void> {
    if (!this.#flushing) {
      this.#flushing = flushEvents(this.#d).finally(() => {
        this.#flushing = undefined;
      });
      return this.#flushing;
    }
    this.#flushAgain ??= this.#flushing
      .catch(() => undefined)
      .then(() => {
        this.#flushAgain = undefined;
        return this.#flushEvents();
      });
    return this.#flushAgain;
  }

  async #guard(step: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.#d.log.warn("TICK_STEP_FAILED", { step, error });
    }
  }
}
