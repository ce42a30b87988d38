import type { Database } from "@gpuc/platform";
import type { Quote } from "@gpuc/sdk";

interface QuoteRow {
  id: string;
  address: string;
  gpuc_units: string;
  currency: "usd";
  base_cents: string;
  spread_cents: string;
  stripe_fee_cents: string;
  total_cents: string;
  price_nanoerg_per_gpuc: string;
  nanoerg_per_usd: string;
  oracle_box_id: string;
  oracle_height: number;
  created_at: Date;
  expires_at: Date;
}

/** Quotes as stored: the only prices a checkout may use. */
export class QuotesRepository {
  constructor(private readonly db: Database) {}

  async insert(quote: Quote): Promise<void> {
    await this.db.query(
      `INSERT INTO onramp_quotes (id, address, gpuc_units, currency, base_cents, spread_cents, stripe_fee_cents,
         total_cents, price_nanoerg_per_gpuc, nanoerg_per_usd, oracle_box_id, oracle_height, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        quote.id,
        quote.address,
        quote.gpuc,
        quote.currency,
        quote.baseCents,
        quote.spreadCents,
        quote.stripeFeeCents,
        quote.totalCents,
        quote.priceNanoErgPerGpuc,
        quote.nanoErgPerUsd,
        quote.oracleBoxId,
        quote.oracleHeight,
        quote.createdAt,
        quote.expiresAt,
      ],
    );
  }

  /** The quote, when it was made for `address` (another wallet's quote reads as absent). */
  async find(id: string, address: string): Promise<Quote | undefined> {
    const [row] = await this.db.query<QuoteRow>(
      "SELECT * FROM onramp_quotes WHERE id = $1 AND address = $2",
      [id, address],
    );
    return row && toQuote(row);
  }
}

function toQuote(row: QuoteRow): Quote {
  return {
    id: row.id,
    address: row.address,
    gpuc: row.gpuc_units,
    currency: row.currency,
    baseCents: Number(row.base_cents),
    spreadCents: Number(row.spread_cents),
    stripeFeeCents: Number(row.stripe_fee_cents),
    totalCents: Number(row.total_cents),
    priceNanoErgPerGpuc: row.price_nanoerg_per_gpuc,
    nanoErgPerUsd: row.nanoerg_per_usd,
    oracleBoxId: row.oracle_box_id,
    oracleHeight: row.oracle_height,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
  };
}
