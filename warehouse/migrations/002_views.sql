-- Analyst views.
CREATE OR REPLACE VIEW v_parity_claims AS
SELECT c.*, a.url AS first_url, a.source AS first_source
FROM claims c LEFT JOIN articles a ON a.article_id = c.first_article_id
WHERE c.relation IN ('parity', 'surpass') AND NOT c.negated;

CREATE OR REPLACE VIEW v_fetch_failures AS
SELECT source, error, count(*) AS failures, max(fetched_at) AS last_seen
FROM fetch_log WHERE error IS NOT NULL GROUP BY source, error;
