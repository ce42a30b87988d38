-- The first indexed height at which a rental was seen Failed with an escrow box: when that escrow is still unspent
-- FAILED_ESCROW_REFUND_AFTER_BLOCKS later, the arbiter refunds what it holds to the consumer.
ALTER TABLE instances ADD COLUMN failed_height INT;
CREATE INDEX instances_failed_escrow ON instances (failed_height) WHERE state = 'Failed' AND escrow_box_id IS NOT NULL;
