import { INSTANCE_STATES } from "@gpuc/sdk";
import { describe, expect, it } from "vitest";
import { IllegalTransitionError } from "../core/errors.ts";
import { assertTransition, canTransition } from "./state-machine.ts";

describe("Instance state machine", () => {
  it("Should allow the happy path and the dispute path", () => {
    const path = [
      "Created",
      "Funded",
      "Starting",
      "Running",
      "Stopping",
      "Completed",
      "Disputed",
      "Resolved",
    ] as const;
    for (let i = 1; i < path.length; i++) expect(canTransition(path[i - 1]!, path[i]!)).toBe(true);
  });

  it("Should never leave a final state (Failed only to a dispute) and never go back to Created or Funded", () => {
    for (const state of INSTANCE_STATES) {
      expect(canTransition("Failed", state)).toBe(state === "Disputed");
      expect(canTransition("Resolved", state)).toBe(false);
      expect(canTransition(state, "Created")).toBe(false);
      if (state !== "Created") expect(canTransition(state, "Funded")).toBe(false);
    }
  });

  it("Should throw a 409 IllegalTransitionError naming both states", () => {
    expect(() => assertTransition("Completed", "Running")).toThrow(IllegalTransitionError);
    try {
      assertTransition("Created", "Running");
    } catch (error) {
      expect(error).toMatchObject({ status: 409, from: "Created", to: "Running" });
    }
  });
});
