-- Live instance state for the web app's stream (GET /api/v1/instances/stream), across processes: every insert and
-- every real change of an instance row takes the next revision (a database-wide order, the stream's event id) and
-- notifies channel gpuc_instances at commit, whoever wrote it (API, indexer subscriber, heartbeat monitor).
-- The payload names the row (and its consumer and provider, so a listener can filter before reading it); listeners
-- read the row itself, which keeps the payload far below NOTIFY's 8000 bytes.
CREATE SEQUENCE instance_revisions;
ALTER TABLE instances ADD COLUMN revision BIGINT NOT NULL DEFAULT nextval('instance_revisions');
CREATE INDEX instances_consumer_revision ON instances (consumer_address, revision);

CREATE FUNCTION gpuc_instance_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    -- An UPDATE that changes nothing (a retried write) is no news for the streams.
    IF NEW IS NOT DISTINCT FROM OLD THEN
      RETURN NEW;
    END IF;
    NEW.revision := nextval('instance_revisions');
  END IF;
  PERFORM pg_notify(
    'gpuc_instances',
    json_build_object(
      'id', NEW.id,
      'consumer', NEW.consumer_address,
      'providerId', NEW.provider_id,
      'state', NEW.state,
      'revision', NEW.revision::text
    )::text
  );
  RETURN NEW;
END
$$;

CREATE TRIGGER instances_changed BEFORE INSERT OR UPDATE ON instances
  FOR EACH ROW EXECUTE FUNCTION gpuc_instance_changed();
