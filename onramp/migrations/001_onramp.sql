-- The fiat on-ramp: quotes, orders, Stripe events (each stored once) and the delivery transactions that pay orders.

CREATE TABLE onramp_quotes (
  id                     uuid PRIMARY KEY,
  address                text NOT NULL,
  gpuc_units             numeric(30, 0) NOT NULL CHECK (gpuc_units > 0),
  currency               text NOT NULL,
  base_cents             bigint NOT NULL,
  spread_cents           bigint NOT NULL,
  stripe_fee_cents       bigint NOT NULL,
  total_cents            bigint NOT NULL CHECK (total_cents > 0),
  price_nanoerg_per_gpuc numeric(30, 0) NOT NULL,
  nanoerg_per_usd        numeric(30, 0) NOT NULL,
  oracle_box_id          text NOT NULL,
  oracle_height          integer NOT NULL,
  created_at             timestamptz NOT NULL,
  expires_at             timestamptz NOT NULL
);

-- One signed transaction pays a batch of orders (output i pays the order with delivery_output i). It is stored,
-- signed, before it is submitted: a restart resubmits exactly these bytes, so no order is ever paid twice.
CREATE TABLE onramp_deliveries (
  tx_id            text PRIMARY KEY,
  signed_tx        jsonb NOT NULL,
  -- pending: signed, not yet in a block; included: in the block at included_height; void: can never be mined
  state            text NOT NULL CHECK (state IN ('pending', 'included', 'void')),
  included_height  integer,
  gpuc_units       numeric(30, 0) NOT NULL,
  created_at       timestamptz NOT NULL,
  submitted_at     timestamptz
);

CREATE TABLE onramp_orders (
  id               uuid PRIMARY KEY,
  quote_id         uuid NOT NULL UNIQUE REFERENCES onramp_quotes (id),
  address          text NOT NULL,
  gpuc_units       numeric(30, 0) NOT NULL,
  currency         text NOT NULL,
  total_cents      bigint NOT NULL,
  state            text NOT NULL,
  session_id       text UNIQUE,
  checkout_url     text,
  payment_intent   text UNIQUE,
  delivery_tx_id   text REFERENCES onramp_deliveries (tx_id),
  delivery_output  integer,
  delivered_height integer,
  flag             text,
  handled_at       timestamptz,
  created_at       timestamptz NOT NULL,
  paid_at          timestamptz,
  delivered_at     timestamptz,
  updated_at       timestamptz NOT NULL
);
CREATE INDEX onramp_orders_address_created ON onramp_orders (address, created_at);
CREATE INDEX onramp_orders_state ON onramp_orders (state, paid_at);
CREATE INDEX onramp_orders_delivery ON onramp_orders (delivery_tx_id);

-- Every Stripe event id once: a redelivered event finds its row and changes nothing.
CREATE TABLE onramp_events (
  id           text PRIMARY KEY,
  type         text NOT NULL,
  order_id     uuid,
  -- what the event said (paid, refunded, …): a reversal that arrives before its payment is applied when it comes
  kind         text NOT NULL,
  payment_intent text,
  outcome      text NOT NULL,
  created      timestamptz NOT NULL,
  received_at  timestamptz NOT NULL
);
CREATE INDEX onramp_events_unmatched ON onramp_events (payment_intent) WHERE outcome = 'unknown_order';
