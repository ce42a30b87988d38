-- Bridged tokens (Rosen rs-tokens) arriving at wallet (P2PK) addresses: one row per transaction, address and
-- token, counting what the transaction brought in net (a wallet's own change is not a deposit). Rows of blocks
-- above a fork are deleted with the block; a confirmation above the fork is undone.
CREATE TABLE rosen_deposits (
  tx_id             text NOT NULL,
  ergo_tree         text NOT NULL,
  address           text NOT NULL,
  token_id          text NOT NULL,
  amount            numeric(40, 0) NOT NULL CHECK (amount > 0),
  inclusion_height  integer NOT NULL,
  -- the height at which it had the confirmations the adapter waits for; null until then
  confirmed_height  integer,
  seen_at           timestamptz NOT NULL,
  confirmed_at      timestamptz,
  PRIMARY KEY (tx_id, ergo_tree, token_id)
);
CREATE INDEX rosen_deposits_tree ON rosen_deposits (ergo_tree, inclusion_height DESC);
CREATE INDEX rosen_deposits_unconfirmed ON rosen_deposits (inclusion_height) WHERE confirmed_height IS NULL;
