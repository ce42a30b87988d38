-- Providers (one Provider Stake box each) and their GPU offers.
CREATE TABLE providers (
  id UUID PRIMARY KEY,
  owner_address TEXT NOT NULL,
  name TEXT NOT NULL,
  region TEXT NOT NULL,
  stake_box_id TEXT NOT NULL,
  stake_nanoerg BIGINT NOT NULL,
  stake_bonded BOOLEAN NOT NULL,
  stake_listing_hash TEXT NOT NULL,
  listing_hash TEXT,
  created_at TIMESTAMPTZ NOT NULL,
  last_heartbeat_at TIMESTAMPTZ,
  online BOOLEAN NOT NULL DEFAULT false,
  reliability DOUBLE PRECISION NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX providers_stake_box ON providers (stake_box_id);
CREATE INDEX providers_owner ON providers (owner_address);

-- One row per offer (a machine's GPUs of one model). Provider state (online, reliability) is copied here so
-- the search is one indexed scan of one table.
CREATE TABLE gpus (
  id UUID PRIMARY KEY,
  provider_id UUID NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
  position INT NOT NULL,
  model TEXT NOT NULL,
  model_key TEXT NOT NULL,
  vram_gb INT NOT NULL,
  count INT NOT NULL,
  device_ids TEXT[] NOT NULL,
  cuda_version TEXT NOT NULL,
  cpu_cores INT NOT NULL,
  ram_gb INT NOT NULL,
  disk_gb INT NOT NULL,
  region TEXT NOT NULL,
  price_per_hour BIGINT NOT NULL,
  min_hours INT NOT NULL,
  max_hours INT NOT NULL,
  tflops DOUBLE PRECISION NOT NULL,
  price_per_tflops DOUBLE PRECISION NOT NULL,
  listed BOOLEAN NOT NULL DEFAULT false,
  online BOOLEAN NOT NULL DEFAULT false,
  reliability DOUBLE PRECISION NOT NULL DEFAULT 0,
  rented_by UUID,
  UNIQUE (provider_id, position)
);
-- Search: every query filters `listed`; partial indexes per sort key, plus the common filters.
CREATE INDEX gpus_listed_price ON gpus (price_per_hour, id) WHERE listed;
CREATE INDEX gpus_listed_reliability ON gpus (reliability DESC, id) WHERE listed;
CREATE INDEX gpus_listed_value ON gpus (price_per_tflops, id) WHERE listed;
CREATE INDEX gpus_listed_model ON gpus (model_key, price_per_hour) WHERE listed;
CREATE INDEX gpus_listed_region ON gpus (region, price_per_hour) WHERE listed;
CREATE INDEX gpus_provider ON gpus (provider_id);

-- Heartbeats kept for the reliability window.
CREATE TABLE heartbeats (
  provider_id UUID NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
  sent_at TIMESTAMPTZ NOT NULL,
  received_at TIMESTAMPTZ NOT NULL,
  gpus JSONB NOT NULL,
  instances JSONB NOT NULL,
  PRIMARY KEY (provider_id, received_at)
);
