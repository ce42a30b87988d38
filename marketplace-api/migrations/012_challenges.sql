-- GPU verification (issue 18): each offer's state from its latest answered challenge and what it measured. The
-- search filters and sorts on these columns, so they live on `gpus` beside the other denormalised fields.
ALTER TABLE gpus
  ADD COLUMN verification TEXT NOT NULL DEFAULT 'pending'
    CHECK (verification IN ('pending', 'verified', 'unverified', 'failed')),
  ADD COLUMN measured_tflops DOUBLE PRECISION,
  ADD COLUMN measured_bandwidth_gbs DOUBLE PRECISION,
  ADD COLUMN price_per_measured_tflops DOUBLE PRECISION,
  ADD COLUMN verified_at TIMESTAMPTZ;
CREATE INDEX gpus_listed_measured_value ON gpus (price_per_measured_tflops, id) WHERE listed;

-- One challenge per offer and occasion (listing or a random idle check). The signed answer is kept as sent, so a
-- state can be re-derived from the row alone.
CREATE TABLE challenges (
  id UUID PRIMARY KEY,
  provider_id UUID NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
  gpu_id UUID NOT NULL REFERENCES gpus (id) ON DELETE CASCADE,
  nonce TEXT NOT NULL,
  model TEXT NOT NULL,
  device_ids TEXT[] NOT NULL,
  reason TEXT NOT NULL CHECK (reason IN ('listing', 'random')),
  issued_at TIMESTAMPTZ NOT NULL,
  deadline TIMESTAMPTZ NOT NULL,
  -- busy: the executor declined (a rental held the devices); it changes no offer's verdict.
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'verified', 'unverified', 'failed', 'busy')),
  answered_at TIMESTAMPTZ,
  result JSONB,
  signature TEXT,
  detail TEXT
);
CREATE INDEX challenges_provider ON challenges (provider_id, issued_at DESC);
CREATE INDEX challenges_pending ON challenges (deadline) WHERE state = 'pending';

-- Reputation parts per provider and UTC day: the inputs of the score as counted that day, and the score. The
-- score is a pure function of the parts (see reputation.ts), so anyone can recompute it from these rows.
CREATE TABLE reputation_days (
  provider_id UUID NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
  day DATE NOT NULL,
  heartbeats_expected INT NOT NULL,
  heartbeats_received INT NOT NULL,
  rentals_completed INT NOT NULL,
  rentals_failed INT NOT NULL,
  challenges_passed INT NOT NULL,
  challenges_failed INT NOT NULL,
  disputes_lost INT NOT NULL,
  score DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (provider_id, day)
);
