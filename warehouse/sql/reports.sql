-- Named statements of the reports: analyst queries of the CLI, the HTML report, run summaries, asset checks and
-- the acceptance audits of `make eval` (evaluation/).

-- name: claim_mentions
-- Every mention of one claim, oldest first, with its article's source, URL and date and its review.
SELECT m.mention_id, a.source, a.url, coalesce(a.published_at, a.fetched_at) AS published_at, a.language,
       a.duplicate_of IS NOT NULL AS duplicate_copy, m.subject, m.relation, m.object, m.domain, m.negated, m.hedged,
       m.disputed,
       m.claimant, m.claimant_name, m.sentence, r.verdict AS review, r.note AS review_note
FROM claim_mentions m JOIN articles a ON a.article_id = m.article_id
LEFT JOIN v_current_reviews r ON r.target_kind = 'mention' AND r.target_id = m.mention_id
WHERE m.claim_id = ?
ORDER BY coalesce(a.published_at, a.fetched_at), a.source, m.start_char;

-- name: entities
-- Firms and models the claims name (with :include_known, those in the gazetteer too), with an example sentence.
SELECT e.kind, e.name, e.firm, e.in_gazetteer, e.mention_count, e.first_seen_at, a.source AS first_source,
       a.url AS first_url,
       (SELECT m.sentence FROM claim_mentions m WHERE m.article_id = e.first_article_id
          AND (m.subject_org = e.name OR m.object_org = e.name OR m.subject_model = e.name
               OR m.object_model = e.name OR m.claimant_name = e.name)
        ORDER BY m.start_char LIMIT 1) AS example
FROM entities e LEFT JOIN articles a ON a.article_id = e.first_article_id
WHERE (:include_known OR NOT e.in_gazetteer) AND (:kind::VARCHAR IS NULL OR e.kind = :kind::VARCHAR)
ORDER BY e.in_gazetteer, e.mention_count DESC, e.name;

-- name: report_attention
-- Attention over time: mentions per day per firm (either side) since a date, from v_claim_timeline (duplicates and
-- what is judged wrong are already left out there; a denial asserts no relation: left out here).
SELECT day, firm, sum(mentions)::INTEGER AS mentions
FROM v_claim_timeline WHERE NOT negated AND day >= CAST(? AS DATE)
GROUP BY ALL ORDER BY day, firm;

-- name: report_matrix
-- Who claims what against whom since a date: claims and sources per (subject firm, object firm, relation); a
-- claim between two models of one firm is no comparison of firms and is left out, as are denials.
SELECT c.subject_org, c.object_org, c.relation, count(*)::INTEGER AS claims, sum(c.source_count)::INTEGER AS sources
FROM claims c
WHERE NOT c.suppressed AND NOT c.negated AND c.subject_org IS NOT NULL AND c.object_org IS NOT NULL
  AND c.subject_org <> c.object_org AND c.first_seen_at >= CAST(? AS DATE)
GROUP BY ALL ORDER BY claims DESC, c.subject_org, c.object_org, c.relation;

-- name: report_stories
-- The newest stories (v_stories) first seen since a date, at most a number of them.
SELECT story_key, subject_org, object_org, relations, first_seen_at, last_seen_at, claim_count, mention_count,
       source_count, first_source, first_url, strongest_claimant, strongest_claimant_name, domains,
       disputed_mentions, alerts_sent
FROM v_stories WHERE first_seen_at >= CAST(? AS DATE)
ORDER BY first_seen_at DESC, story_key LIMIT ?;

-- name: report_story_languages
-- The first report of each of these stories in each language (kept articles only): when, and by which source.
SELECT c.subject_org || ' | ' || c.object_org AS story_key, a.language,
       min(coalesce(a.published_at, a.fetched_at)) AS first_at,
       arg_min(a.source, (coalesce(a.published_at, a.fetched_at), a.source)) AS first_source
FROM claims c
JOIN claim_mentions m ON m.claim_id = c.claim_id
JOIN articles a ON a.article_id = m.article_id AND a.duplicate_of IS NULL
WHERE c.relation IN ('parity', 'surpass') AND NOT c.suppressed AND c.subject_org IS NOT NULL
  AND c.object_org IS NOT NULL AND a.language IS NOT NULL
  AND c.subject_org || ' | ' || c.object_org IN (SELECT unnest(?::VARCHAR[]))
GROUP BY ALL ORDER BY story_key, first_at;

-- name: source_health
-- The source_health view, one row per source (the view orders them by source).
SELECT * FROM source_health ORDER BY source;

-- name: table_docs
-- (name, BASE TABLE | VIEW, comment) of every warehouse table and view.
SELECT t.table_name AS name, t.table_type AS kind, obj.comment
FROM information_schema.tables t
LEFT JOIN (SELECT table_name, comment FROM duckdb_tables() UNION ALL SELECT view_name, comment FROM duckdb_views()
           WHERE NOT internal) obj ON obj.table_name = t.table_name
WHERE t.table_schema = 'main'
ORDER BY t.table_type, t.table_name;

-- name: column_docs
-- (name, type, required, comment) of every column of a table.
SELECT column_name AS name, data_type AS type, is_nullable = 'NO' AS required, comment
FROM duckdb_columns() WHERE schema_name = 'main' AND NOT internal AND table_name = ? ORDER BY column_index;

-- name: quiet_sources
-- Sources that yielded articles before but none in their latest run although they fetched or failed.
WITH last_run AS (SELECT source, arg_max(run_id, fetched_at) AS run_id FROM fetch_log GROUP BY source),
hist AS (SELECT DISTINCT source FROM articles WHERE duplicate_of IS NULL),
attempts AS (
    SELECT f.source,
           count(*) FILTER (WHERE f.role = 'page' AND f.error IS NULL) AS fetched,
           count(*) FILTER (WHERE f.error IS NOT NULL AND f.error <> 'already_stored') AS failed
    FROM fetch_log f JOIN last_run l ON l.source = f.source AND l.run_id = f.run_id GROUP BY f.source
),
kept AS (
    SELECT a.source, count(*) AS n FROM articles a JOIN raw_pages r ON r.page_id = a.page_id
    JOIN last_run l ON l.source = a.source AND l.run_id = r.run_id GROUP BY a.source
)
SELECT h.source, t.fetched, t.failed FROM hist h JOIN attempts t ON t.source = h.source
LEFT JOIN kept k ON k.source = h.source
WHERE coalesce(k.n, 0) = 0 AND (t.fetched > 0 OR t.failed > 0)
ORDER BY h.source;

-- name: run_counts
-- What one run did, one figure a column.
SELECT
    (SELECT count(*) FROM fetch_log WHERE run_id = :run_id AND role IN ('page', 'archive') AND error IS NULL)
        AS pages_fetched,
    (SELECT count(*) FROM fetch_log WHERE run_id = :run_id AND error = 'already_stored') AS pages_skipped_known,
    (SELECT count(*) FROM fetch_log WHERE run_id = :run_id AND status = 304) AS feeds_not_modified,
    (SELECT count(*) FROM page_verdicts v JOIN raw_pages r USING (page_id) WHERE r.run_id = :run_id
        AND NOT v.is_article) AS not_articles,
    (SELECT count(*) FROM articles a JOIN raw_pages r USING (page_id) WHERE r.run_id = :run_id
        AND a.duplicate_of IS NULL) AS articles_kept,
    (SELECT count(*) FROM articles a JOIN raw_pages r USING (page_id) WHERE r.run_id = :run_id
        AND a.duplicate_of IS NOT NULL) AS duplicates,
    (SELECT count(*) FROM claim_mentions m JOIN articles a USING (article_id) JOIN raw_pages r USING (page_id)
        WHERE r.run_id = :run_id) AS mentions_new,
    (SELECT count(*) FROM claims) AS claims_total,
    (SELECT summary FROM runs WHERE run_id = :run_id) AS crawl_stats;

-- name: run_failures_by_reason
SELECT error, count(*) FROM fetch_log WHERE run_id = ? AND error IS NOT NULL AND error <> 'already_stored'
GROUP BY error;

-- name: new_claims_preview
-- The newest claims a run added: subject, model, relation, object, model, domain, mentions.
SELECT coalesce(subject_org, subject_group), coalesce(subject_model, ''), relation, coalesce(object_org, object_group),
       coalesce(object_model, ''), domain, mention_count
FROM claims WHERE created_run_id = ? ORDER BY first_seen_at DESC LIMIT ?;

-- name: undelivered_alert_count
SELECT count(*) FROM alerts WHERE status NOT IN ('delivered', 'filtered', 'suppressed');

-- name: orphan_mention_count
-- Mentions without their kept article or without a claim row.
SELECT count(*) FROM claim_mentions m LEFT JOIN articles a ON a.article_id = m.article_id
WHERE a.article_id IS NULL OR a.duplicate_of IS NOT NULL
   OR NOT EXISTS (SELECT 1 FROM claims c WHERE c.claim_id = m.claim_id);

-- name: duplicated_claim_key_count
-- Claim keys (subject, models, relation, object, negation) stored on more than one row.
SELECT count(*) FROM (
    SELECT coalesce(subject_org, 'group:' || subject_group), subject_model, relation,
           coalesce(object_org, 'group:' || object_group), object_model, negated
    FROM claims GROUP BY ALL HAVING count(*) > 1);

-- name: articles_without_text_count
SELECT count(*) FROM articles WHERE length(trim(text)) = 0;

-- name: article_duplicate_counts
SELECT count(*), count(*) FILTER (WHERE duplicate_of IS NOT NULL) FROM articles;

-- name: row_counts
-- Rows of the tables a re-run must leave as they are.
SELECT (SELECT count(*) FROM articles) AS articles, (SELECT count(*) FROM claims) AS claims,
       (SELECT count(*) FROM claim_mentions) AS claim_mentions, (SELECT count(*) FROM alerts) AS alerts;

-- name: row_keys
-- (table, key) of every row of the tables a crash must neither lose nor double.
SELECT 'raw_pages', page_id FROM raw_pages
UNION ALL SELECT 'page_verdicts', page_id FROM page_verdicts
UNION ALL SELECT 'articles', article_id FROM articles
UNION ALL SELECT 'claim_mentions', mention_id FROM claim_mentions
UNION ALL SELECT 'claims', claim_id FROM claims
UNION ALL SELECT 'alerts', alert_id FROM alerts;

-- name: duplicate_outbox_alerts
-- Alerts beyond the first for one claim and relation (the outbox must write each once).
SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM alerts GROUP BY claim_id, relation);

-- name: article_copies
-- (url, url of the article it duplicates or NULL) of every article.
SELECT a.url, k.url FROM articles a LEFT JOIN articles k ON k.article_id = a.duplicate_of;

-- name: fetched_urls
SELECT url FROM raw_pages UNION SELECT final_url FROM raw_pages;

-- name: alert_policy_breaches
-- Alerts of claims outside :story_relations, or of denials other than as disputes; and whether every story has at
-- most one alert of each kind.
SELECT (SELECT count(*) FROM alerts a JOIN claims c USING (claim_id)
        WHERE (c.negated AND a.kind <> 'disputed') OR NOT list_contains(:story_relations, c.relation)) AS breaches,
       (SELECT count(*) = count(DISTINCT story_key || kind) FROM alerts WHERE story_key IS NOT NULL) AS once_per_kind;

-- name: alert_kind_counts
-- Stories alerted, new-story alerts, updates and digest-only claims (unnamed subject, or one firm against itself).
SELECT count(DISTINCT story_key), count(*) FILTER (WHERE kind = 'new'),
       count(*) FILTER (WHERE kind NOT IN ('new', 'unnamed', 'same_firm')),
       count(*) FILTER (WHERE kind IN ('unnamed', 'same_firm'))
FROM alerts;

-- name: fetch_outcomes
SELECT url, role, status, error FROM fetch_log ORDER BY url;

-- name: article_texts
SELECT url, text FROM articles;

-- name: verdict_reasons
SELECT url, reason FROM page_verdicts;

-- name: newest_claim_day
-- The day the newest claim (not judged wrong) was first seen; NULL with none.
SELECT CAST(max(first_seen_at) AS DATE) FROM claims WHERE NOT suppressed;

-- name: ids_with_prefix
-- Claim and mention ids starting with a prefix (git-style short ids), at most 10.
SELECT claim_id AS id, 'claim' AS kind FROM claims WHERE starts_with(claim_id, :prefix)
UNION ALL
SELECT mention_id, 'mention' FROM claim_mentions WHERE starts_with(mention_id, :prefix)
ORDER BY 1 LIMIT 10;
