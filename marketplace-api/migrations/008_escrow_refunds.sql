-- Escrows the consumer opened that the marketplace will not serve (the rental had already failed, another box
-- funded it, or the terms or clock do not match): the arbiter refunds each in full (provider share 0). The
-- refund transaction's id is stored before it is submitted, so a box is refunded at most once across restarts.
CREATE TABLE escrow_refunds (
  box_id TEXT PRIMARY KEY,
  instance_id UUID NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
  reason TEXT NOT NULL,
  tx_id TEXT,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX escrow_refunds_instance ON escrow_refunds (instance_id);
