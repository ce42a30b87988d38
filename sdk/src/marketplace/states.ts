/**
 * The states of a rental (an "instance"), in the order of the happy path: Created → Funded → Starting → Running →
 * Stopping → Completed; any live state may fail or be disputed; a dispute ends Resolved by the arbiter. The moves
 * between them are the marketplace's state machine; this is the one list every part names them by.
 */
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

/** Why a rental closed, as the marketplace records it (`closeReason`). */
export const CLOSE_REASONS = [
  "user_stopped",
  "funds_exhausted",
  "provider_down",
  "provider_rejected",
  "arbiter",
] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

/**
 * The close reasons a provider's executor may report. `arbiter` is only ever the marketplace's own resolve; an
 * executor's `provider_down` (its container vanished) is recorded as `provider_rejected`, because `provider_down`
 * is the marketplace's verdict on a silent provider, the one it refunds.
 */
export const EXECUTOR_REASONS = [
  "user_stopped",
  "funds_exhausted",
  "provider_rejected",
  "provider_down",
] as const satisfies readonly CloseReason[];
export type ExecutorReason = (typeof EXECUTOR_REASONS)[number];

/** The states an executor reports for a rental it runs (`POST /api/v1/instances/{id}/events`). */
export const EXECUTOR_STATES = [
  "Starting",
  "Running",
  "Stopping",
  "Completed",
  "Failed",
] as const satisfies readonly InstanceState[];
export type ExecutorState = (typeof EXECUTOR_STATES)[number];

/**
 * The states in which the provider's executor must run (or wind down) a rental: what its rental list holds by
 * default.
 */
export const LIVE_STATES = [
  "Funded",
  "Starting",
  "Running",
  "Stopping",
] as const satisfies readonly InstanceState[];
export type LiveState = (typeof LIVE_STATES)[number];

/** A rental as the executor knows it: funded, then each state it reports. */
export const RENTAL_STATES = ["Funded", ...EXECUTOR_STATES] as const satisfies readonly InstanceState[];
export type RentalState = (typeof RENTAL_STATES)[number];

/** States after which no container runs any more for the rental (a dispute may still follow Completed or Failed). */
export const ENDED_STATES = ["Completed", "Failed", "Resolved"] as const satisfies readonly InstanceState[];
export type EndedState = (typeof ENDED_STATES)[number];

/** Whether `state` is one of `states`, narrowing it (the lists above are readonly tuples `includes` won't take). */
export function isOneOf<S extends string>(state: string, states: readonly S[]): state is S {
  return (states as readonly string[]).includes(state);
}
