import type { GpuStatus } from "../gpu/gpu-probe.ts";
import type { InstanceState, Rental, StopReason } from "./rental.ts";

/** One running rental as a heartbeat reports it. */
export interface HeartbeatInstance {
  readonly id: string;
  readonly state: InstanceState;
  readonly runningSeconds: number;
}

export interface Heartbeat {
  /** The provider this heartbeat is for; signed, so it cannot be replayed to another provider of the same owner. */
  readonly providerId?: string;
  /** ISO 8601. */
  readonly timestamp: string;
  readonly gpus: readonly GpuStatus[];
  readonly instances: readonly HeartbeatInstance[];
  /** The executor's public HTTP URL (consumers' logs, exec, ports, stop); signed with the rest. */
  readonly endpoint?: string;
}

/** A heartbeat with the provider wallet's signature (hex) over `canonicalJson(heartbeat)`. */
export interface SignedHeartbeat extends Heartbeat {
  readonly signature: string;
}

/** A rental's state change, reported to the marketplace. */
export interface InstanceEvent {
  readonly state: "Starting" | "Running" | "Stopping" | "Completed" | "Failed";
  readonly reason?: StopReason;
  readonly detail?: string;
  readonly billedSeconds?: number;
}

/** What the executor needs from the marketplace; `HttpMarketplaceClient` is the real one. */
export interface MarketplaceClient {
  sendHeartbeat(heartbeat: SignedHeartbeat): Promise<void>;
  /** The rentals this provider must run: Funded, Starting, Running and Stopping ones. */
  assignedRentals(): Promise<readonly Rental[]>;
  reportEvent(instanceId: string, event: InstanceEvent): Promise<void>;
}
