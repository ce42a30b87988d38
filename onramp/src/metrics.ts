import { ORDER_STATES } from "@gpuc/sdk";
import { Gauge, Histogram, type Registry } from "prom-client";
import type { Confirmed } from "./delivery/deliveries.repository.ts";
import type { DeliveryService } from "./delivery/delivery.service.ts";
import type { OrdersRepository } from "./orders/orders.repository.ts";

const GPUC = 1e6;
const DAY_MS = 24 * 3600 * 1000;

/**
 * The on-ramp on the host's Prometheus registry: orders by state, the float's GPUC beside what it owes and a
 * day of sales (the alert compares them), and the time from payment to a confirmed delivery. The database and
 * chain figures are read on scrape.
 */
export class OnrampMetrics {
  readonly deliveryLatency: Histogram;

  /** Without `sources` the families are declared but never read (a board check lists what the on-ramp exposes). */
  constructor(
    registry: Registry,
    sources?: { orders: OrdersRepository; delivery: Pick<DeliveryService, "floatBalance"> },
  ) {
    const read = (collect: (set: (value: number) => void) => Promise<void>) =>
      sources
        ? async function (this: Gauge) {
            await collect((value) => this.set(value));
          }
        : undefined;
    new Gauge({
      name: "gpuc_onramp_orders_total",
      help: "On-ramp orders by state",
      labelNames: ["state"] as const,
      registers: [registry],
      collect: sources
        ? async function (this: Gauge<"state">) {
            const counts = await sources.orders.countsByState();
            for (const state of ORDER_STATES) this.set({ state }, counts.get(state) ?? 0);
          }
        : undefined,
    });
    new Gauge({
      name: "gpuc_onramp_float_gpuc",
      help: "GPUC in the float wallet's confirmed boxes (what paid orders are delivered from)",
      registers: [registry],
      collect: read(async (set) => set(Number(await sources!.delivery.floatBalance()) / GPUC)),
    });
    new Gauge({
      name: "gpuc_onramp_float_owed_gpuc",
      help: "GPUC sold and not yet taken out of the float by a mined delivery",
      registers: [registry],
      collect: read(async (set) => set(Number(await sources!.orders.owedUnits()) / GPUC)),
    });
    new Gauge({
      name: "gpuc_onramp_sold_24h_gpuc",
      help: "GPUC paid for in the last 24 hours (a day of sales: the float should hold at least this)",
      registers: [registry],
      collect: read(async (set) =>
        set(Number(await sources!.orders.unitsSoldSince(new Date(Date.now() - DAY_MS))) / GPUC),
      ),
    });
    new Gauge({
      name: "gpuc_onramp_flagged_orders",
      help: "Orders refunded or disputed after delivery and not yet marked handled by the operator",
      registers: [registry],
      collect: read(async (set) => set(await sources!.orders.flaggedCount())),
    });
    this.deliveryLatency = new Histogram({
      name: "gpuc_onramp_delivery_latency_seconds",
      help: "From the payment event to the delivery's confirmation",
      buckets: [5, 15, 30, 60, 120, 300, 600, 1800, 3600],
      registers: [registry],
    });
  }

  observe(confirmed: readonly Confirmed[], at: Date): void {
    for (const order of confirmed)
      if (order.paidAt) this.deliveryLatency.observe((at.getTime() - order.paidAt.getTime()) / 1000);
  }
}
