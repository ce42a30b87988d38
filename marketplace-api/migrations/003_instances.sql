-- Rentals ("instances") and every state change, with the close reason.
CREATE TABLE instances (
  id UUID PRIMARY KEY,
  consumer_address TEXT NOT NULL,
  provider_id UUID NOT NULL REFERENCES providers (id),
  gpu_id UUID NOT NULL REFERENCES gpus (id),
  state TEXT NOT NULL,
  image TEXT NOT NULL,
  cmd JSONB,
  env JSONB,
  ports JSONB,
  hours INT NOT NULL,
  price_per_hour BIGINT NOT NULL,
  amount BIGINT NOT NULL,
  escrow_tx_id TEXT,
  escrow_box_id TEXT,
  start_height INT,
  funded_at TIMESTAMPTZ,
  expires_at TIMESTAMPTZ,
  close_reason TEXT,
  billed_seconds BIGINT,
  settlement_tx_id TEXT,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX instances_consumer ON instances (consumer_address, created_at DESC);
CREATE INDEX instances_provider_state ON instances (provider_id, state);
CREATE UNIQUE INDEX instances_escrow_box ON instances (escrow_box_id) WHERE escrow_box_id IS NOT NULL;

CREATE TABLE instance_events (
  id BIGSERIAL PRIMARY KEY,
  instance_id UUID NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
  from_state TEXT,
  to_state TEXT NOT NULL,
  reason TEXT,
  detail TEXT,
  at TIMESTAMPTZ NOT NULL
);
CREATE INDEX instance_events_instance ON instance_events (instance_id, id);
