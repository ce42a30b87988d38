import { ORDER_STATES, type OrderState } from "@gpuc/sdk";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nextState, type PaymentOutcome } from "./transitions.ts";

const OUTCOMES: PaymentOutcome[] = ["pending", "paid", "failed", "expired", "refunded", "disputed"];

/** Applies events in order, as the webhook handler does. */
const replay = (events: PaymentOutcome[], from: OrderState = "open") =>
  events.reduce<{ state: OrderState; flag?: string }>(
    (order, event) => {
      const change = nextState(order.state, event);
      return change ? { state: change.state, flag: change.flag ?? order.flag } : order;
    },
    { state: from },
  );

describe("Order transitions on payment events", () => {
  it("Should pay an open order, and an async one once it clears", () => {
    expect(replay(["paid"]).state).toBe("paid");
    expect(replay(["pending", "paid"]).state).toBe("paid");
    expect(replay(["pending", "failed"]).state).toBe("failed");
  });

  it("Should not let a late 'pending' unpay an order, nor a late 'paid' revive a failed, expired or refunded one", () => {
    expect(replay(["paid", "pending"]).state).toBe("paid");
    expect(replay(["expired", "paid"]).state).toBe("expired");
    expect(replay(["refunded", "paid"]).state).toBe("refunded");
    expect(replay(["pending", "failed", "paid"]).state).toBe("failed");
  });

  it("Should cancel a paid order's delivery on a refund, and flag a refund after the GPUC was sent", () => {
    expect(replay(["refunded"], "paid")).toEqual({ state: "refunded" });
    expect(replay(["refunded"], "delivering")).toEqual({
      state: "refunded",
      flag: "refunded_after_delivery",
    });
    expect(replay(["disputed"], "delivered")).toEqual({ state: "disputed", flag: "disputed_after_delivery" });
  });

  it("Should be idempotent: any event applied twice changes no more than once", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ORDER_STATES), fc.constantFrom(...OUTCOMES), (state, outcome) => {
        const once = nextState(state, outcome);
        const again = once && nextState(once.state, outcome);
        expect(again).toBeUndefined();
      }),
    );
  });

  it("Should never deliver after a reversal, whatever order the events come in", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...OUTCOMES), { maxLength: 8 }), (events) => {
        const reversed = events.findIndex((event) => event === "refunded" || event === "disputed");
        const { state } = replay(events);
        if (reversed >= 0) expect(["refunded", "disputed"]).toContain(state);
      }),
    );
  });
});
