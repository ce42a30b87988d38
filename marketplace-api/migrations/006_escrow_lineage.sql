-- The escrow box the consumer opened: after a rollback the instance re-follows its lineage from there (R8 links,
-- each recreation created by the transaction that spent its parent) instead of trusting any box naming the rental.
ALTER TABLE instances ADD COLUMN opening_box_id TEXT;
