-- Follow-ups: where each provider's executor answers consumers (from its signed heartbeats), and disputes.
ALTER TABLE providers ADD COLUMN executor_url TEXT;
ALTER TABLE instances ADD COLUMN dispute_reason TEXT;
ALTER TABLE instances ADD COLUMN disputed_at TIMESTAMPTZ;
