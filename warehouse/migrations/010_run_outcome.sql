-- How each run ended: 'ok' or 'failed', and for a failed run the first failure (a crashed crawler, a step
-- that raised). NULL for runs recorded before this column existed or still running.
ALTER TABLE runs ADD COLUMN status VARCHAR;
ALTER TABLE runs ADD COLUMN error VARCHAR;
