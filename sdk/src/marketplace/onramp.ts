import * as z from "zod";
import { pageOf } from "./common.ts";

/**
 * An on-ramp order's life: `created` (stored, before Stripe is called) → `open` (a Checkout Session to pay) →
 * `awaiting_payment` (an asynchronous method, e.g. a bank debit, is clearing) → `paid` → `delivering` (the GPUC
 * transaction is signed and sent) → `delivered` (confirmed). Ends otherwise in `failed`, `expired`, `refunded` or
 * `disputed`.
 */
export const ORDER_STATES = [
  "created",
  "open",
  "awaiting_payment",
  "paid",
  "delivering",
  "delivered",
  "failed",
  "expired",
  "refunded",
  "disputed",
] as const;
export type OrderState = (typeof ORDER_STATES)[number];

/** Why an order needs the operator: money went back to the card after the GPUC was sent. */
export const ORDER_FLAGS = ["refunded_after_delivery", "disputed_after_delivery"] as const;
export type OrderFlag = (typeof ORDER_FLAGS)[number];

const units = z.string().regex(/^\d+$/, "must be a whole number of units");
const decimal = (decimals: number, example: string) =>
  z
    .string()
    .trim()
    .regex(
      new RegExp(`^\\d{1,9}(\\.\\d{1,${decimals}})?$`),
      `must be a decimal number with at most ${decimals} decimals, e.g. ${example}`,
    );

export const quoteRequest = z
  .object({
    gpuc: decimal(6, "25.5").optional().describe("GPUC to buy (decimal, e.g. 25.5)"),
    usd: decimal(2, "20 or 12.50").optional().describe("USD to spend, fees included (decimal, e.g. 20)"),
  })
  .refine((body) => (body.gpuc === undefined) !== (body.usd === undefined), {
    message: "give exactly one of 'gpuc' (GPUC to buy) or 'usd' (USD to spend)",
  });
export type QuoteRequest = z.input<typeof quoteRequest>;

export const quoteSchema = z.object({
  id: z.uuid(),
  address: z.string().describe("The wallet the GPUC goes to"),
  gpuc: units.describe("GPUC units delivered (10^6 per GPUC)"),
  currency: z.literal("usd"),
  baseCents: z.number().int().describe("The GPUC at the Config price × the oracle's ERG/USD rate"),
  spreadCents: z.number().int().describe("The operator's spread"),
  stripeFeeCents: z.number().int().describe("Stripe's card fee, passed on"),
  totalCents: z.number().int().describe("What the card is charged"),
  priceNanoErgPerGpuc: units.describe("The Config box's price"),
  nanoErgPerUsd: units.describe("The oracle pool's rate"),
  oracleBoxId: z.string(),
  oracleHeight: z.number().int(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().describe("After this the quote cannot be paid; ask for a new one"),
});
export type Quote = z.infer<typeof quoteSchema>;

export const checkoutRequest = z.object({ quoteId: z.uuid() });

export const orderSchema = z.object({
  id: z.uuid(),
  quoteId: z.uuid(),
  address: z.string(),
  state: z.enum(ORDER_STATES),
  gpuc: units,
  totalCents: z.number().int(),
  currency: z.literal("usd"),
  checkoutUrl: z.string().nullable().describe("Stripe Checkout's page to pay on, while the order is open"),
  deliveryTxId: z.string().nullable(),
  deliveredHeight: z.number().int().nullable(),
  flag: z.enum(ORDER_FLAGS).nullable(),
  handledAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  paidAt: z.iso.datetime().nullable(),
  deliveredAt: z.iso.datetime().nullable(),
  updatedAt: z.iso.datetime(),
});
export type Order = z.infer<typeof orderSchema>;

export const orderPage = pageOf(orderSchema);

export const orderListQuery = z.object({
  state: z.enum(ORDER_STATES).optional(),
  flagged: z.enum(["true", "false"]).optional().describe("Only orders flagged (or not) for the operator"),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type OrderListQuery = z.output<typeof orderListQuery>;

export const webhookAck = z.object({
  received: z.literal(true),
  duplicate: z.boolean().describe("This event id was handled before: nothing changed"),
});
