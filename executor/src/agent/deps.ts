import type { Logger } from "@gpuc/platform";
import type { ClaimPolicy } from "../billing/claim-policy.ts";
import type { ContainerPolicy } from "../docker/container-spec.ts";
import type { ContainerRuntime } from "../docker/containers.ts";
import type { ImageStore } from "../docker/images.ts";
import type { GpuProbe } from "../gpu/gpu-probe.ts";
import type { ProviderSigner } from "../keys/provider-signer.ts";
import type { Ledger } from "../ledger/ledger.ts";
import type { AgentMarketplace } from "../marketplace/marketplace-client.ts";
import type { ExecutorMetrics } from "../metrics.ts";
import type { Settlement } from "../settlement/settlement.ts";

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
  /** When elapsed periods are worth a claim transaction (the rest wait for more, or for the close). */
  readonly claimPolicy: ClaimPolicy;
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

/** Everything the agent works with; each of its modules takes the slice it needs (`Pick<AgentDeps, …>`). */
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
