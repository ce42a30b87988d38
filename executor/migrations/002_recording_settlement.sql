-- Used only by RecordingSettlement (tests, and runs without a chain): a stand-in for the escrow boxes that,
-- like the chain, refuses to pay a billing period twice (primary key) or to close an escrow twice.
CREATE TABLE recorded_settlement_claims (
  instance_id UUID NOT NULL,
  period      INTEGER NOT NULL CHECK (period >= 1),
  amount      BIGINT NOT NULL,
  tx_id       TEXT NOT NULL,
  recorded_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (instance_id, period)
);

CREATE TABLE recorded_settlement_closes (
  instance_id     UUID PRIMARY KEY,
  billed_seconds  INTEGER NOT NULL,
  provider_amount BIGINT NOT NULL,
  consumer_refund BIGINT NOT NULL,
  reason          TEXT,
  tx_id           TEXT NOT NULL,
  recorded_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
