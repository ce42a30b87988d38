-- Usage receipts (issue 18): what each billing period's signed receipt is built from, the receipts once issued,
-- and the batches (one per settlement transaction, whose provider payout carries their Merkle root in R5) still
-- owed to the marketplace.

-- Written by the meter from Docker's inspect: the image content id the container actually runs, its exit code.
ALTER TABLE executor_rentals ADD COLUMN image_digest TEXT, ADD COLUMN exit_code INTEGER;

-- GPU readings of a rental's pinned GPUs, summed per billing period (mean = sum / samples).
CREATE TABLE executor_usage (
  instance_id UUID NOT NULL REFERENCES executor_rentals (instance_id),
  period      INTEGER NOT NULL CHECK (period >= 1),
  samples     INTEGER NOT NULL DEFAULT 0,
  util_sum    DOUBLE PRECISION NOT NULL DEFAULT 0,
  util_max    DOUBLE PRECISION NOT NULL DEFAULT 0,
  mem_sum     DOUBLE PRECISION NOT NULL DEFAULT 0,
  mem_max     DOUBLE PRECISION NOT NULL DEFAULT 0,
  -- [{ uuid, model }] of the last reading.
  gpus        JSONB NOT NULL DEFAULT '[]',
  PRIMARY KEY (instance_id, period)
);

-- A period's receipt is issued (signed) once and reused by every retry of the claim or close that pays it, so a
-- transaction whose outcome was lost committed to the same bytes the executor publishes.
CREATE TABLE executor_receipts (
  instance_id UUID NOT NULL REFERENCES executor_rentals (instance_id),
  period      INTEGER NOT NULL CHECK (period >= 1),
  -- The canonical JSON of { receipt, signature }: the leaf's preimage, kept byte for byte.
  body        TEXT NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (instance_id, period)
);

-- Outbox: a batch is written with the settlement's tx id, pushed until the marketplace acknowledges it.
CREATE TABLE executor_receipt_batches (
  tx_id        TEXT PRIMARY KEY,
  root         TEXT NOT NULL,
  instance_ids UUID[] NOT NULL,
  -- The canonical JSON of { txId, root, receipts }, exactly what is sent.
  body         TEXT NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  sent_at      TIMESTAMPTZ,
  -- Set when the marketplace refused the batch for good (a 4xx it would answer again).
  refused      TEXT
);
CREATE INDEX executor_receipt_batches_unsent ON executor_receipt_batches (created_at) WHERE sent_at IS NULL;
CREATE INDEX executor_receipt_batches_instances ON executor_receipt_batches USING GIN (instance_ids);

-- RecordingSettlement only: the receipts root each recorded transaction carried (the chain keeps it in R5).
CREATE TABLE recorded_settlement_roots (
  tx_id         TEXT PRIMARY KEY,
  receipts_root TEXT NOT NULL
);
