-- Per-source health for operators: what was fetched, kept, failed (and why), undated, last success.
CREATE OR REPLACE VIEW source_health AS
WITH fetches AS (
    SELECT source,
           count(*) FILTER (WHERE role = 'page' AND error IS NULL) AS pages_fetched,
           count(*) FILTER (WHERE error IS NOT NULL AND error <> 'already_stored') AS failures,
           count(*) FILTER (WHERE error IS NULL OR error <> 'already_stored') AS attempts,
           count(*) FILTER (WHERE status = 304) AS not_modified,
           max(fetched_at) FILTER (WHERE error IS NULL) AS last_success,
           max(fetched_at) AS last_attempt
    FROM fetch_log GROUP BY source
), reasons AS (
    SELECT source, string_agg(error || '=' || n, ', ' ORDER BY n DESC, error) AS failures_by_reason
    FROM (SELECT source, error, count(*) AS n FROM fetch_log
          WHERE error IS NOT NULL AND error <> 'already_stored' GROUP BY source, error)
    GROUP BY source
), arts AS (
    SELECT source,
           count(*) FILTER (WHERE duplicate_of IS NULL) AS articles_kept,
           count(*) FILTER (WHERE duplicate_of IS NOT NULL) AS duplicates,
           round(avg(CASE WHEN published_at IS NULL THEN 1.0 ELSE 0.0 END), 3) AS share_no_date
    FROM articles GROUP BY source
)
SELECT f.source, f.pages_fetched, coalesce(a.articles_kept, 0) AS articles_kept, coalesce(a.duplicates, 0) AS duplicates,
       f.failures, round(f.failures / nullif(f.attempts, 0), 3) AS failure_rate, r.failures_by_reason,
       a.share_no_date, f.not_modified, f.last_success, f.last_attempt
FROM fetches f LEFT JOIN arts a USING (source) LEFT JOIN reasons r USING (source)
ORDER BY f.source;
