-- Why a rental closed, in the words of whoever closed it (the executor's refusal, the arbiter's note): shown to the
-- consumer beside the close reason, so a Failed rental says what to change.
ALTER TABLE instances ADD COLUMN close_detail TEXT;
