import { ENDED_STATES, type InstanceState } from "@gpuc/sdk";
import { IllegalTransitionError } from "../core/errors.ts";

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

/** States that close a rental: entering one records a close reason (the ended ones, and Stopping on the way). */
const CLOSING: readonly InstanceState[] = ["Stopping", ...ENDED_STATES];

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
