import { crashPoint } from "@gpuc/platform";
import type { Rental } from "@gpuc/sdk";
import { runWindow } from "../billing/metering.ts";
import { containerCreateOptions } from "../docker/container-spec.ts";
import type { ReadyImage } from "../docker/images.ts";
import type { AgentDeps } from "./deps.ts";
import { PerRentalTasks } from "./per-rental-tasks.ts";

type StarterDeps = Pick<AgentDeps, "images" | "runtime" | "ledger" | "policy" | "log">;

/** Pull progress is logged at most this often: a large image reports many times a second. */
const PULL_LOG_INTERVAL_MS = 5000;

/**
 * Brings a taken-on rental's container up, beside the tick loop (a pull can take minutes): the image first,
 * which is not billed, then the isolated container; billing starts at Docker's StartedAt.
 */
export class RentalStarter {
  readonly #d: StarterDeps;
  readonly #tasks = new PerRentalTasks();
  readonly #onRunning: () => void;

  /** `onRunning`: a rental's Running event is queued (the agent delivers it at once, not at its next tick). */
  constructor(deps: StarterDeps, onRunning: () => void = () => undefined) {
    this.#d = deps;
    this.#onRunning = onRunning;
  }

  isStarting(instanceId: string): boolean {
    return this.#tasks.has(instanceId);
  }

  inFlight(): Promise<void>[] {
    return this.#tasks.inFlight();
  }

  /** Starts the rental unless its start is under way; a start that fails stops it as `provider_rejected`. */
  start(rental: Rental): void {
    this.#tasks.run(rental.id, () =>
      this.#startContainer(rental).catch(async (error) => {
        this.#d.log.error("RENTAL_START_FAILED", { instanceId: rental.id, error });
        const detail = error instanceof Error ? error.message : String(error);
        await this.#d.ledger.requestStop(rental.id, "provider_rejected", detail);
      }),
    );
  }

  /** Marks the rental Running from Docker's StartedAt; left Starting while Docker reports no start time. */
  async markRunning(instanceId: string, containerId: string): Promise<void> {
    const { runtime, ledger, log } = this.#d;
    const info = await runtime.inspect(containerId);
    const startedAt = info ? runWindow(info.State).startedAt : null;
    if (!startedAt) return;
    const marked = await ledger.transaction(async () => {
      if (!(await ledger.markRunning(instanceId, startedAt))) return false;
      await ledger.enqueueEvent(instanceId, { state: "Running" });
      log.info("RENTAL_RUNNING", { instanceId, containerId, startedAt: startedAt.toISOString() });
      return true;
    });
    if (marked) this.#onRunning();
  }

  async #startContainer(rental: Rental): Promise<void> {
    const { runtime, ledger, policy } = this.#d;
    const image = await this.#ensureImage(rental);
    if ((await ledger.get(rental.id))?.state !== "Starting") return; // stopped while the image was coming
    if ((rental.ports ?? []).length > 0) await this.#ensurePortNetwork(rental);
    const options = containerCreateOptions({
      rental,
      policy,
      readOnlyRootfs: image.allowsReadOnlyRootfs,
      volumes: image.volumes,
    });
    const containerId = await runtime.create(options);
    await ledger.setContainer(rental.id, containerId);
    await runtime.start(containerId);
    crashPoint("executor.container.started");
    await this.markRunning(rental.id, containerId);
  }

  async #ensureImage(rental: Rental): Promise<ReadyImage> {
    const { images, log } = this.#d;
    let lastLog = 0;
    return images.ensure(rental.image, (progress) => {
      if (Date.now() - lastLog < PULL_LOG_INTERVAL_MS) return;
      lastLog = Date.now();
      log.info("IMAGE_PULL_PROGRESS", { instanceId: rental.id, ...progress });
    });
  }

  /** A rental that publishes ports joins the provider's rental network, created on first use. */
  async #ensurePortNetwork(rental: Rental): Promise<void> {
    const { runtime, policy, log } = this.#d;
    const network = await runtime.ensureNetwork({
      name: policy.portNetwork,
      ...(policy.portSubnet ? { subnet: policy.portSubnet } : {}),
    });
    log.info("RENTAL_NETWORK_READY", { instanceId: rental.id, ...network });
  }
}
