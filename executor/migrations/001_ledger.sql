-- The executor's billing ledger: what it runs, which billing periods it has claimed, how each rental closed,
-- and the events it still owes the marketplace. Claims are keyed by (instance, period) so a period is claimed
-- at most once, whatever restarts happen in between.
CREATE TABLE executor_rentals (
  instance_id      UUID PRIMARY KEY,
  provider_id      TEXT NOT NULL,
  spec             JSONB NOT NULL,
  state            TEXT NOT NULL CHECK (state IN ('Starting', 'Running', 'Stopping', 'Completed', 'Failed')),
  container_id     TEXT,
  period_seconds   INTEGER NOT NULL CHECK (period_seconds > 0),
  prepaid_periods  INTEGER NOT NULL CHECK (prepaid_periods > 0),
  price_per_period BIGINT NOT NULL CHECK (price_per_period >= 0),
  started_at       TIMESTAMPTZ,
  finished_at      TIMESTAMPTZ,
  running_seconds  INTEGER NOT NULL DEFAULT 0,
  billed_seconds   INTEGER NOT NULL DEFAULT 0,
  stop_reason      TEXT,
  detail           TEXT,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX executor_rentals_active ON executor_rentals (state) WHERE state IN ('Starting', 'Running', 'Stopping');

CREATE TABLE executor_claims (
  instance_id UUID NOT NULL REFERENCES executor_rentals (instance_id),
  period      INTEGER NOT NULL CHECK (period >= 1),
  amount      BIGINT NOT NULL CHECK (amount >= 0),
  -- submitting: written before the settlement call, so a crash mid-call is resolved against the chain.
  status      TEXT NOT NULL CHECK (status IN ('submitting', 'submitted', 'confirmed')),
  tx_id       TEXT,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (instance_id, period)
);

CREATE TABLE executor_closes (
  instance_id     UUID PRIMARY KEY REFERENCES executor_rentals (instance_id),
  billed_seconds  INTEGER NOT NULL,
  provider_amount BIGINT NOT NULL CHECK (provider_amount >= 0),
  consumer_refund BIGINT NOT NULL CHECK (consumer_refund >= 0),
  reason          TEXT,
  status          TEXT NOT NULL CHECK (status IN ('submitting', 'submitted')),
  tx_id           TEXT,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Outbox of state events for the marketplace, sent in order and retried until delivered.
CREATE TABLE executor_events (
  id          BIGSERIAL PRIMARY KEY,
  instance_id UUID NOT NULL REFERENCES executor_rentals (instance_id),
  body        JSONB NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  sent_at     TIMESTAMPTZ
);
CREATE INDEX executor_events_unsent ON executor_events (id) WHERE sent_at IS NULL;
