-- The chain index: blocks followed (for rollback detection) and the project's boxes with their spends.
CREATE TABLE chain_blocks (
  height INT PRIMARY KEY,
  header_id TEXT NOT NULL UNIQUE,
  parent_id TEXT NOT NULL,
  timestamp BIGINT NOT NULL
);

CREATE TABLE chain_boxes (
  box_id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  tx_id TEXT NOT NULL,
  output_index INT NOT NULL,
  ergo_tree TEXT NOT NULL,
  value BIGINT NOT NULL,
  assets JSONB NOT NULL,
  registers JSONB NOT NULL,
  creation_height INT NOT NULL,
  inclusion_height INT NOT NULL,
  gpuc BIGINT NOT NULL DEFAULT 0,
  spent_tx_id TEXT,
  spent_height INT
);
CREATE INDEX chain_boxes_unspent_tree ON chain_boxes (ergo_tree) WHERE spent_tx_id IS NULL;
CREATE INDEX chain_boxes_kind ON chain_boxes (kind) WHERE spent_tx_id IS NULL;
CREATE INDEX chain_boxes_inclusion ON chain_boxes (inclusion_height);
CREATE INDEX chain_boxes_spent_height ON chain_boxes (spent_height) WHERE spent_height IS NOT NULL;
