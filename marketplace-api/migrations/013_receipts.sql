-- Usage receipts (issue 18): what each settlement transaction (claim or provider close) proves, as the provider's
-- executor pushed it, stored once per transaction; each receipt with its Merkle leaf and what the marketplace
-- checked when it arrived; the reconciliation's findings for the auditor; and the receipt a dispute names.
CREATE TABLE receipt_batches (
  tx_id TEXT PRIMARY KEY,
  provider_id UUID NOT NULL REFERENCES providers (id),
  root TEXT NOT NULL,
  -- The batch as canonical JSON: a repeated PUT is compared with it (same → 200, different → 409).
  body TEXT NOT NULL,
  received_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE receipts (
  tx_id TEXT NOT NULL REFERENCES receipt_batches (tx_id) ON DELETE CASCADE,
  -- Position in the batch's tree order (instanceId, period): the proof is recomputed from the batch's leaves.
  position INT NOT NULL,
  leaf TEXT NOT NULL,
  instance_id UUID NOT NULL,
  period INT NOT NULL,
  seconds INT NOT NULL,
  -- The signed receipt as canonical JSON (the bytes its leaf hashes).
  signed TEXT NOT NULL,
  signature_ok BOOLEAN NOT NULL,
  root_ok BOOLEAN NOT NULL,
  PRIMARY KEY (tx_id, position)
);
CREATE INDEX receipts_instance ON receipts (instance_id, period);
CREATE INDEX receipts_leaf ON receipts (leaf);

-- One row per finding, found once (a rerun of the reconciliation finds it again and adds nothing).
CREATE TABLE receipt_mismatches (
  tx_id TEXT NOT NULL,
  instance_id UUID NOT NULL,
  kind TEXT NOT NULL,
  -- What the finding is about within the transaction: a leaf, a period, or '' for the transaction as a whole.
  subject TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL,
  found_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (tx_id, instance_id, kind, subject)
);
CREATE INDEX receipt_mismatches_found ON receipt_mismatches (found_at DESC);

ALTER TABLE instances ADD COLUMN dispute_receipt_leaf TEXT;
ALTER TABLE instances ADD COLUMN resolved_receipt_leaf TEXT;
