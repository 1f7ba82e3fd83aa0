-- Named statements of the `runs` table (read by warehouse/statements.py; aiosql's file format).

-- name: start_run!
-- Record that a pipeline run started.
INSERT OR IGNORE INTO runs (run_id, started_at, sources_file) VALUES (?, now(), ?);

-- name: finish_crawl!
-- Store the crawl's figures on the run's row.
UPDATE runs SET finished_at = now(), summary = ? WHERE run_id = ?;

-- name: record_run_outcome!
-- Mark a run 'ok' or 'failed', keeping the first error recorded for it.
UPDATE runs SET status = CASE WHEN :error IS NULL AND coalesce(status, 'ok') = 'ok' THEN 'ok' ELSE 'failed' END,
       error = coalesce(error, :error), finished_at = coalesce(finished_at, now())
WHERE run_id = :run_id;
