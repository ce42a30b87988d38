-- The chain index: blocks followed (the highest is the cursor, the chain of parent ids detects rollbacks) and the
-- boxes the rules keep, with their spends. IF NOT EXISTS: these tables were the marketplace's own migration
-- 004_chain before the indexer became its own workspace; a database made then is adopted as it is.
CREATE TABLE IF NOT EXISTS chain_blocks (
  height INT PRIMARY KEY,
  header_id TEXT NOT NULL UNIQUE,
  parent_id TEXT NOT NULL,
  timestamp BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS chain_boxes (
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
CREATE INDEX IF NOT EXISTS chain_boxes_unspent_tree ON chain_boxes (ergo_tree) WHERE spent_tx_id IS NULL;
CREATE INDEX IF NOT EXISTS chain_boxes_kind ON chain_boxes (kind) WHERE spent_tx_id IS NULL;
CREATE INDEX IF NOT EXISTS chain_boxes_inclusion ON chain_boxes (inclusion_height);
CREATE INDEX IF NOT EXISTS chain_boxes_spent_height ON chain_boxes (spent_height) WHERE spent_height IS NOT NULL;
