-- The search answers from an in-memory index of the offers (marketplace-api/src/gpus/offer-index.ts), kept current
-- from here: every committed insert, real change or delete of a `gpus` row notifies channel gpuc_gpus with the row's
-- id, whoever wrote it. The index reads the row itself (or finds it gone); a search first sends a barrier on the
-- same channel, and since notifications arrive in commit order, hearing it back means every change committed
-- before the search has been heard.
CREATE FUNCTION gpuc_gpu_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW IS NOT DISTINCT FROM OLD THEN
    RETURN NULL;
  END IF;
  PERFORM pg_notify('gpuc_gpus', CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END::text);
  RETURN NULL;
END
$$;

CREATE TRIGGER gpus_changed AFTER INSERT OR UPDATE OR DELETE ON gpus
  FOR EACH ROW EXECUTE FUNCTION gpuc_gpu_changed();
