-- Every view of the warehouse, as it is now, in dependency order. Views hold no data: warehouse.db.migrate
-- (re)creates them all after the versioned migrations whenever this file changes, so a view is defined in one
-- place. Change a view here (never in a migration); comments on views and their columns: comments.yaml.

-- Per-source health for operators: what was fetched, kept, failed (and why), undated, last success.
CREATE OR REPLACE VIEW source_health AS
WITH fetches AS (
    SELECT source,
           count(*) FILTER (WHERE role IN ('page', 'archive') AND error IS NULL) AS pages_fetched,  -- crawled or read from files
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

-- Fetch failures by source and error.
CREATE OR REPLACE VIEW v_fetch_failures AS
SELECT source, error, count(*) AS failures, max(fetched_at) AS last_seen
FROM fetch_log WHERE error IS NOT NULL GROUP BY source, error;

-- Entities seen in claims, the ones to curate (not in the gazetteer) first.
CREATE OR REPLACE VIEW v_entities AS
SELECT e.*, a.url AS first_url, a.source AS first_source
FROM entities e LEFT JOIN articles a ON a.article_id = e.first_article_id
ORDER BY e.in_gazetteer, e.mention_count DESC, e.name;

-- Analysts' judgements: the latest one of each claim or mention counts.
CREATE OR REPLACE VIEW v_current_reviews AS
SELECT target_kind, target_id, arg_max(verdict, (reviewed_at, review_id)) AS verdict,
       arg_max(note, (reviewed_at, review_id)) AS note, arg_max(reviewer, (reviewed_at, review_id)) AS reviewer,
       max(reviewed_at) AS reviewed_at, count(*) AS reviews
FROM reviews GROUP BY target_kind, target_id;

-- Parity and surpass claims, not negated, not judged wrong, with their first source.
CREATE OR REPLACE VIEW v_parity_claims AS
SELECT c.claim_id, c.subject_org, c.subject_model, c.subject_group, c.relation, c.object_org, c.object_model,
       c.object_group, c.domain, c.first_seen_at, c.last_seen_at, c.mention_count, c.source_count,
       c.strongest_claimant, c.strongest_claimant_name, a.source AS first_source, a.url AS first_url,
       (SELECT string_agg(DISTINCT ar.source, ', ' ORDER BY ar.source) FROM claim_mentions m
        JOIN articles ar ON ar.article_id = m.article_id WHERE m.claim_id = c.claim_id) AS sources
FROM claims c LEFT JOIN articles a ON a.article_id = c.first_article_id
WHERE c.relation IN ('parity', 'surpass') AND NOT c.negated AND NOT c.suppressed;

-- Mentions per day, firm and relation in kept articles, leaving out mentions judged wrong.
CREATE OR REPLACE VIEW v_claim_timeline AS
SELECT CAST(coalesce(a.published_at, a.fetched_at) AS DATE) AS day, f.firm, m.relation, m.negated,
       count(*) AS mentions, count(DISTINCT m.claim_id) AS claims
FROM claim_mentions m
JOIN articles a ON a.article_id = m.article_id AND a.duplicate_of IS NULL
CROSS JOIN LATERAL (SELECT m.subject_org AS firm UNION SELECT m.object_org) f
WHERE f.firm IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM v_current_reviews r WHERE r.verdict = 'wrong'
                  AND ((r.target_kind = 'mention' AND r.target_id = m.mention_id)
                       OR (r.target_kind = 'claim' AND r.target_id = m.claim_id)))
GROUP BY ALL;

-- A claim's evidence: the sentence of its first article from the strongest claimant (a named third party,
-- then the firm itself, then the outlet). Alerts and the claims listing read it from here.
CREATE OR REPLACE VIEW v_claim_evidence AS
SELECT c.claim_id, m.sentence, m.claimant, m.claimant_name, m.hedged
FROM claims c
LEFT JOIN LATERAL (
    SELECT sentence, claimant, claimant_name, hedged FROM claim_mentions mm
    WHERE mm.claim_id = c.claim_id AND mm.article_id = c.first_article_id
    ORDER BY CASE claimant WHEN 'third_party' THEN 0 WHEN 'self' THEN 1 ELSE 2 END, claimant_name IS NULL,
             start_char LIMIT 1
) m ON TRUE;

-- Stories as analysts read them: one row per (subject firm, object firm) pair of parity/surpass claims, across
-- outlets, languages, model and domain variants, with what later reports added (sources, domains, the strongest
-- claimant) and the alerts it sent. Alerts follow the same grouping (alerts.story_key).
CREATE OR REPLACE VIEW v_stories AS
SELECT c.subject_org || ' | ' || c.object_org AS story_key,
       c.subject_org,
       c.object_org,
       string_agg(DISTINCT CASE WHEN c.negated THEN 'not ' || c.relation ELSE c.relation END, ','
                  ORDER BY 1) AS relations,
       min(c.first_seen_at) AS first_seen_at,
       max(c.last_seen_at) AS last_seen_at,
       count(*)::INTEGER AS claim_count,
       sum(c.mention_count)::INTEGER AS mention_count,
       (SELECT count(DISTINCT a.source) FROM claim_mentions m JOIN articles a ON a.article_id = m.article_id
        JOIN claims k ON k.claim_id = m.claim_id
        WHERE k.subject_org = c.subject_org AND k.object_org = c.object_org
          AND k.relation IN ('parity', 'surpass') AND NOT k.suppressed)::INTEGER AS source_count,
       -- ties broken by the claim's first report, then its id: the same claims always name the same first
       -- report and strongest claimant (a bare arg_min picks whichever tied row a thread met first)
       arg_min(fa.source, (c.first_seen_at, c.claim_id)) AS first_source,
       arg_min(fa.url, (c.first_seen_at, c.claim_id)) AS first_url,
       arg_min(c.strongest_claimant, (CASE c.strongest_claimant WHEN 'third_party' THEN 0 WHEN 'self' THEN 1 ELSE 2
               END * 10 + CASE WHEN c.strongest_claimant_name IS NULL THEN 1 ELSE 0 END, c.first_seen_at, c.claim_id))
           AS strongest_claimant,
       arg_min(c.strongest_claimant_name, (CASE c.strongest_claimant WHEN 'third_party' THEN 0 WHEN 'self' THEN 1
               ELSE 2 END * 10 + CASE WHEN c.strongest_claimant_name IS NULL THEN 1 ELSE 0 END, c.first_seen_at,
               c.claim_id)) AS strongest_claimant_name,
       string_agg(DISTINCT c.domain, ', ' ORDER BY c.domain) AS domains,
       bool_or(c.negated) AS has_denial,
       sum(c.disputed_count)::INTEGER AS disputed_mentions,
       (SELECT string_agg(al.kind, ',' ORDER BY al.created_at) FROM alerts al
        WHERE al.story_key = c.subject_org || ' | ' || c.object_org) AS alerts_sent
FROM claims c LEFT JOIN articles fa ON fa.article_id = c.first_article_id
WHERE c.relation IN ('parity', 'surpass') AND NOT c.suppressed
  AND c.subject_org IS NOT NULL AND c.object_org IS NOT NULL
GROUP BY c.subject_org, c.object_org;
