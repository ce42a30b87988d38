import { randomUUID } from "node:crypto";
import { GPUC_DECIMALS, parseAmount, type Quote, type QuoteRequest } from "@gpuc/sdk";
import { OrderAmountOutOfRangeError } from "../errors.ts";
import type { PriceInputs } from "../pricing/chain-prices.ts";
import { quoteForGpuc, quoteForUsd } from "../pricing/price.ts";
import type { QuotesRepository } from "./quotes.repository.ts";

export interface QuotesOptions {
  readonly repo: QuotesRepository;
  /** Reads the current prices; throws (e.g. a stale oracle) when nothing may be priced. */
  readonly prices: () => Promise<PriceInputs>;
  readonly spreadBps: number;
  readonly stripeFee: { readonly bps: number; readonly fixedCents: number };
  readonly ttlS: number;
  /** What one order may cost, fees included. */
  readonly limits: { readonly minOrderCents: number; readonly maxOrderCents: number };
  readonly now?: () => Date;
}

/**
 * Prices GPUC in USD: Config price × the oracle's ERG/USD rate, plus the operator's spread and Stripe's fee shown
 * apart. A quote is stored with its inputs and expiry: it is the only price a checkout can use.
 */
export class QuotesService {
  readonly #o: QuotesOptions;
  readonly #now: () => Date;

  constructor(options: QuotesOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => new Date());
  }

  async create(address: string, request: QuoteRequest): Promise<Quote> {
    const gpucUnits = request.gpuc === undefined ? undefined : amount(request.gpuc, GPUC_DECIMALS);
    const usdCents = request.usd === undefined ? undefined : Number(amount(request.usd, 2));
    if (gpucUnits === 0n || (usdCents !== undefined && usdCents < this.#o.limits.minOrderCents))
      this.#outOfRange(usdCents ?? 0);
    const prices = await this.#o.prices();
    const terms = {
      priceNanoErgPerGpuc: prices.priceNanoErgPerGpuc,
      nanoErgPerUsd: prices.nanoErgPerUsd,
      spreadBps: this.#o.spreadBps,
      stripeFee: this.#o.stripeFee,
    };
    const priced =
      gpucUnits !== undefined
        ? quoteForGpuc({ ...terms, gpucUnits })
        : quoteForUsd({ ...terms, totalCents: BigInt(usdCents!) });
    const total = Number(priced.totalCents);
    if (
      priced.gpucUnits <= 0n ||
      total < this.#o.limits.minOrderCents ||
      total > this.#o.limits.maxOrderCents
    )
      this.#outOfRange(total);
    const now = this.#now();
    const quote: Quote = {
      id: randomUUID(),
      address,
      gpuc: priced.gpucUnits.toString(),
      currency: "usd",
      baseCents: Number(priced.baseCents),
      spreadCents: Number(priced.spreadCents),
      stripeFeeCents: Number(priced.stripeFeeCents),
      totalCents: Number(priced.totalCents),
      priceNanoErgPerGpuc: prices.priceNanoErgPerGpuc.toString(),
      nanoErgPerUsd: prices.nanoErgPerUsd.toString(),
      oracleBoxId: prices.oracleBoxId,
      oracleHeight: prices.oracleHeight,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.#o.ttlS * 1000).toISOString(),
    };
    await this.#o.repo.insert(quote);
    return quote;
  }

  #outOfRange(totalCents: number): never {
    throw new OrderAmountOutOfRangeError(
      totalCents,
      this.#o.limits.minOrderCents,
      this.#o.limits.maxOrderCents,
    );
  }
}

/** A decimal the request schema already checked (digits, at most `decimals` decimals): in units. */
function amount(text: string, decimals: number): bigint {
  return parseAmount(text, decimals, "The amount", { allowZero: true });
}
