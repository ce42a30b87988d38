import { HttpError } from "@gpuc/platform/http";
import { formatGpuc } from "@gpuc/sdk";

const usd = (cents: number) => `$${(cents / 100).toFixed(2)}`;

export class QuoteNotFoundError extends HttpError {
  constructor(readonly quoteId: string) {
    super(404, `No quote ${quoteId} for this wallet; ask for one with POST /api/v1/onramp/quotes`, {
      quoteId,
    });
  }
}

/** A quote is the only price a checkout may use, and only until it expires. */
export class QuoteExpiredError extends HttpError {
  constructor(
    readonly quoteId: string,
    readonly expiredAt: Date,
  ) {
    super(
      409,
      `Quote ${quoteId} expired at ${expiredAt.toISOString()}; ask for a new quote (prices follow the ERG/USD oracle)`,
      { quoteId, expiredAt: expiredAt.toISOString() },
    );
  }
}

export class OrderAmountOutOfRangeError extends HttpError {
  constructor(
    readonly totalCents: number,
    readonly minCents: number,
    readonly maxCents: number,
  ) {
    super(
      422,
      `An order must cost between ${usd(minCents)} and ${usd(maxCents)}; this one costs ${usd(totalCents)}`,
      { totalCents, minCents, maxCents },
    );
  }
}

/** The address (or the on-ramp as a whole) reached its 24-hour limit: refused before any payment. */
export class DailyLimitError extends HttpError {
  constructor(
    readonly scope: "address" | "total",
    readonly usedCents: number,
    readonly limitCents: number,
  ) {
    super(
      409,
      scope === "address"
        ? `This wallet bought ${usd(usedCents)} in the last 24 hours; the limit is ${usd(limitCents)}. Try a smaller amount or later`
        : `The on-ramp sold its ${usd(limitCents)} for the last 24 hours; try again later`,
      { scope, usedCents, limitCents },
    );
  }
}

/** The float wallet cannot cover the order beside those already sold: refused before any payment. */
export class FloatTooSmallError extends HttpError {
  constructor(
    readonly neededUnits: bigint,
    readonly availableUnits: bigint,
  ) {
    super(
      409,
      `The on-ramp can deliver at most ${formatGpuc(availableUnits < 0n ? 0n : availableUnits)} GPUC right now and this order needs ${formatGpuc(neededUnits)}; buy less or try later — nothing was charged`,
      { needed: neededUnits.toString(), available: availableUnits.toString() },
    );
  }
}

export class OrderNotFoundError extends HttpError {
  constructor(readonly orderId: string) {
    super(404, `No on-ramp order ${orderId} for this wallet`, { orderId });
  }
}

/** An operator action the order's state does not allow. */
export class OrderStateError extends HttpError {
  constructor(
    readonly orderId: string,
    readonly state: string,
    readonly action: string,
  ) {
    super(409, `Order ${orderId} is ${state}: it cannot be ${action}`, { orderId, state, action });
  }
}

/** Stripe did not answer or refused the call: the order is kept and the same request may be retried. */
export class PaymentProviderError extends HttpError {
  constructor(readonly detail: string) {
    super(502, `The card processor did not create the checkout (${detail}); retry the same request`, {});
  }
}

/** Nothing can be priced now: the oracle pool is missing, malformed or stale, or the Config box unreadable. */
export class PriceUnavailableError extends HttpError {
  constructor(readonly detail: string) {
    super(503, `GPUC cannot be priced right now (${detail}); try again in a few minutes`, {});
  }
}
