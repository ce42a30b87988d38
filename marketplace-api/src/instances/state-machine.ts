import { IllegalTransitionError } from "../core/errors.ts";

export const INSTANCE_STATES = [
  "Created",
  "Funded",
  "Starting",
  "Running",
  "Stopping",
  "Completed",
  "Failed",
  "Disputed",
  "Resolved",
] as const;
export type InstanceState = (typeof INSTANCE_STATES)[number];

export const CLOSE_REASONS = [
  "user_stopped",
  "funds_exhausted",
  "provider_down",
  "provider_rejected",
  "arbiter",
] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

/**
 * The close reasons a provider's executor may report. `arbiter` is only ever the marketplace's own resolve;
 * an executor's `provider_down` (its container vanished) is recorded as `provider_rejected`, because
 * `provider_down` is the marketplace's verdict on a silent provider, the one it refunds.
 */
export const EXECUTOR_REASONS = [
  "user_stopped",
  "funds_exhausted",
  "provider_rejected",
  "provider_down",
] as const satisfies readonly CloseReason[];
export type ExecutorReason = (typeof EXECUTOR_REASONS)[number];

/**
 * Every allowed move. Created → Funded → Starting → Running → Stopping → Completed is the happy path; any live
 * state may fail or be disputed; a dispute ends Resolved by the arbiter. Failed → Disputed exists because a
 * provider's executor may report its own rental Failed: while the escrow is still unspent the consumer can
 * still dispute it (the service checks the escrow).
 */
const TRANSITIONS: Readonly<Record<InstanceState, readonly InstanceState[]>> = {
  Created: ["Funded", "Failed"],
  Funded: ["Starting", "Stopping", "Failed", "Disputed"],
  Starting: ["Running", "Stopping", "Failed", "Disputed"],
  Running: ["Stopping", "Completed", "Failed", "Disputed"],
  Stopping: ["Completed", "Failed", "Disputed"],
  Completed: ["Disputed"],
  Failed: ["Disputed"],
  Disputed: ["Resolved"],
  Resolved: [],
};

/** States in which the executor must run (or wind down) the instance. */
export const LIVE_STATES: readonly InstanceState[] = ["Funded", "Starting", "Running", "Stopping"];

/** States that close a rental: entering one records a close reason. */
const CLOSING: readonly InstanceState[] = ["Stopping", "Completed", "Failed", "Resolved"];

export function canTransition(from: InstanceState, to: InstanceState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Throws `IllegalTransitionError` (409) unless `from → to` is allowed. */
export function assertTransition(from: InstanceState, to: InstanceState): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
}

export function isClosing(state: InstanceState): boolean {
  return CLOSING.includes(state);
}
