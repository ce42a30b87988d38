import type { OrderFlag, OrderState } from "@gpuc/sdk";

/** What a payment event says about an order (the Stripe event types map onto these). */
export type PaymentOutcome = "pending" | "paid" | "failed" | "expired" | "refunded" | "disputed";

export interface OrderChange {
  readonly state: OrderState;
  /** Set when the money went back after the GPUC was sent: the operator must act. */
  readonly flag?: OrderFlag;
}

const UNPAID: readonly OrderState[] = ["created", "open", "awaiting_payment"];
const SENT: readonly OrderState[] = ["delivering", "delivered"];
const REVERSED: readonly OrderState[] = ["refunded", "disputed"];

/**
 * The order's next state on a payment event, or undefined when the event changes nothing. Stripe may deliver
 * events late, twice or out of order, so every rule only moves forward: a late `pending` never unpays a paid
 * order, a late `paid` never revives a refunded one, and a refund or dispute wins over anything. A reversal of an
 * order whose GPUC is already signed for is not undone on chain: it is flagged for the operator.
 */
export function nextState(state: OrderState, outcome: PaymentOutcome): OrderChange | undefined {
  switch (outcome) {
    case "pending":
      return state === "created" || state === "open" ? { state: "awaiting_payment" } : undefined;
    case "paid":
      return UNPAID.includes(state) ? { state: "paid" } : undefined;
    case "failed":
      return UNPAID.includes(state) ? { state: "failed" } : undefined;
    case "expired":
      return state === "created" || state === "open" ? { state: "expired" } : undefined;
    case "refunded":
    case "disputed":
      if (REVERSED.includes(state)) return undefined;
      if (SENT.includes(state)) return { state: outcome, flag: `${outcome}_after_delivery` };
      return { state: outcome };
  }
}
