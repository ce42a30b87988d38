-- The stake box the provider itself named (at registration or a listing update): the root of the stake lineage the
-- marketplace follows, re-walked when a rollback unwinds the box it had followed to.
ALTER TABLE providers ADD COLUMN stake_root_box_id TEXT;
UPDATE providers SET stake_root_box_id = stake_box_id;
