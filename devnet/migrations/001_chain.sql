-- The devnet chain: blocks (synthetic headers), their transactions, and every box ever created with its spend.
-- Amounts inside the JSONB documents are decimal strings, so no value loses precision.

CREATE TABLE devnet_blocks (
  height INTEGER PRIMARY KEY,
  header_id TEXT NOT NULL UNIQUE,
  header JSONB NOT NULL,
  tx_ids TEXT[] NOT NULL,
  size INTEGER NOT NULL
);

CREATE TABLE devnet_transactions (
  tx_id TEXT PRIMARY KEY,
  height INTEGER NOT NULL REFERENCES devnet_blocks (height) ON DELETE CASCADE,
  block_index INTEGER NOT NULL,
  global_index BIGINT NOT NULL UNIQUE,
  tx JSONB NOT NULL
);

-- Genesis boxes have inclusion_height 0 and no block.
CREATE TABLE devnet_boxes (
  box_id TEXT PRIMARY KEY,
  global_index BIGINT NOT NULL UNIQUE,
  inclusion_height INTEGER NOT NULL,
  -- ErgoTrees may be larger than a btree entry allows, so lookups go through a hash of the tree.
  tree_hash TEXT NOT NULL,
  token_ids TEXT[] NOT NULL,
  box JSONB NOT NULL,
  spent_tx_id TEXT,
  spending_height INTEGER,
  spending_proof JSONB
);

CREATE INDEX devnet_boxes_unspent_by_tree ON devnet_boxes (tree_hash, global_index) WHERE spent_tx_id IS NULL;
CREATE INDEX devnet_boxes_unspent_by_token ON devnet_boxes USING GIN (token_ids) WHERE spent_tx_id IS NULL;
CREATE INDEX devnet_boxes_by_inclusion ON devnet_boxes (inclusion_height);
CREATE INDEX devnet_boxes_by_spending ON devnet_boxes (spending_height) WHERE spending_height IS NOT NULL;
