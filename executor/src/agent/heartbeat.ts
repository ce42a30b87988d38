import { type AgentHeartbeat, signHeartbeat } from "../marketplace/heartbeat.ts";
import type { AgentDeps } from "./deps.ts";
import { listGpus } from "./gpus.ts";

type HeartbeatDeps = Pick<
  AgentDeps,
  "providerId" | "probe" | "ledger" | "signer" | "marketplace" | "metrics" | "log" | "options"
>;

/** Tells the marketplace, signed, that this executor is alive: its GPUs, its active rentals and its URL. */
export class Heartbeat {
  readonly #d: HeartbeatDeps;
  #registered = false;

  constructor(deps: HeartbeatDeps) {
    this.#d = deps;
  }

  /** Sends one heartbeat; the first the marketplace accepts registers the executor. A failure waits for the next. */
  async send(): Promise<void> {
    const { probe, signer, marketplace, metrics, log } = this.#d;
    const gpus = await listGpus(this.#d);
    metrics.recordGpus(gpus);
    const instances = await this.#instances();
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

  async #instances(): Promise<AgentHeartbeat["instances"]> {
    return (await this.#d.ledger.active()).map((rental) => ({
      id: rental.instanceId,
      state: rental.state,
      runningSeconds: rental.runningSeconds,
    }));
  }
}
