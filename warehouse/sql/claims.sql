-- Named statements of claim mentions, staged extractions, claims and entities.

-- name: drop_staged_of!
-- The staged results of these articles (about to be replaced, or no longer wanted).
DELETE FROM staged_extractions WHERE article_id IN (SELECT unnest(?::VARCHAR[]));

-- name: usable_staged_extractions
-- Staged results made with this rules version and seed, from the text the article has now.
SELECT s.article_id, s.mentions, s.introduced, s.error, s.limits FROM staged_extractions s
JOIN articles a ON a.article_id = s.article_id AND a.content_hash = s.content_hash
WHERE s.article_id IN (SELECT unnest(:article_ids)) AND s.extractor_version = :version AND s.seed_key = :seed_key;

-- name: drop_loaded_or_stale_staged!
-- Staged results just loaded, made by another rules version, or for an article that is a copy, gone, or already
-- extracted with this version.
DELETE FROM staged_extractions s
WHERE s.article_id IN (SELECT unnest(:article_ids)) OR s.extractor_version <> :version
   OR NOT EXISTS (SELECT 1 FROM articles a WHERE a.article_id = s.article_id AND a.duplicate_of IS NULL)
   OR EXISTS (SELECT 1 FROM article_extractions e WHERE e.article_id = s.article_id AND e.extractor_version = :version);

-- name: articles_to_extract
-- Kept articles never run through this version of the claim rules.
SELECT a.article_id, a.url, a.canonical_url, a.source, a.title, a.author, a.published_at, a.fetched_at, a.language,
       a.sitename, a.text, a.content_hash, a.duplicate_of, a.duplicate_reason, a.is_syndicated, a.is_amp, a.page_id
FROM articles a
LEFT JOIN article_extractions e ON e.article_id = a.article_id
WHERE a.duplicate_of IS NULL AND (e.article_id IS NULL OR e.extractor_version <> ?)
ORDER BY a.article_id;

-- name: kept_articles_since
-- Kept articles published (undated: fetched) on or after a date.
SELECT article_id FROM articles WHERE duplicate_of IS NULL AND coalesce(published_at, fetched_at) >= CAST(? AS DATE);

-- name: articles_published_on
-- Kept articles published (or, undated, fetched) on a day (UTC).
SELECT a.article_id, a.url, a.canonical_url, a.source, a.title, a.author, a.published_at, a.fetched_at, a.language,
       a.sitename, a.text, a.content_hash, a.duplicate_of, a.duplicate_reason, a.is_syndicated, a.is_amp, a.page_id
FROM articles a
WHERE duplicate_of IS NULL AND CAST(timezone('UTC', coalesce(published_at, fetched_at)) AS DATE) = CAST(? AS DATE)
ORDER BY article_id;

-- name: publication_days
-- The days (UTC) from the first to the last given that have kept articles, as articles_published_on counts them.
SELECT DISTINCT CAST(CAST(timezone('UTC', coalesce(published_at, fetched_at)) AS DATE) AS VARCHAR) AS day
FROM articles
WHERE duplicate_of IS NULL
  AND CAST(timezone('UTC', coalesce(published_at, fetched_at)) AS DATE) BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)
ORDER BY day;

-- name: drop_mentions_of!
-- The mentions of these articles (extracted again, or copies no longer kept).
DELETE FROM claim_mentions WHERE article_id IN (SELECT unnest(?::VARCHAR[]));

-- name: drop_extractions_of!
-- The extraction records of these articles: they count as not yet extracted.
DELETE FROM article_extractions WHERE article_id IN (SELECT unnest(?::VARCHAR[]));

-- name: rebuild_claims#
-- One claims row per claim key, from the mentions in kept articles, in the caller's transaction. A mention judged
-- wrong is not counted (unless every mention of its claim is: the claim is then kept, suppressed). Values of a
-- claim come from its earliest report; the strongest claimant is the first in :claimant_rank (named before
-- unnamed). A claim keeps created_at / created_run_id across refreshes; a new one gets now() and :run_id.
CREATE OR REPLACE TEMP TABLE judged_wrong AS
SELECT target_kind, target_id FROM v_current_reviews WHERE verdict = 'wrong';
CREATE OR REPLACE TEMP TABLE counted_mentions AS
SELECT m.*, a.source, coalesce(a.published_at, a.fetched_at) AS seen_at,
       -- total orders (mention_id last): arg_min over a tie picks whichever row a thread met first, so two
       -- refreshes of the same mentions could name different first articles or strongest claimants
       (seen_at, m.mention_id) AS report_order,
       (coalesce(list_position(:claimant_rank, m.claimant), 99) * 10 + (m.claimant_name IS NULL)::INTEGER,
        seen_at, m.mention_id) AS claimant_order
FROM claim_mentions m JOIN articles a ON a.article_id = m.article_id
WHERE a.duplicate_of IS NULL
  AND (NOT EXISTS (SELECT 1 FROM judged_wrong w WHERE w.target_kind = 'mention' AND w.target_id = m.mention_id)
       OR NOT EXISTS (SELECT 1 FROM claim_mentions o WHERE o.claim_id = m.claim_id AND NOT EXISTS (
           SELECT 1 FROM judged_wrong w WHERE w.target_kind = 'mention' AND w.target_id = o.mention_id)));
CREATE OR REPLACE TEMP TABLE claim_agg AS
SELECT claim_id,
       arg_min(subject_org, report_order) AS subject_org,
       arg_min(subject_model, report_order) AS subject_model,
       arg_min(subject_group, report_order) AS subject_group,
       arg_min(relation, report_order) AS relation,
       arg_min(object_org, report_order) AS object_org,
       arg_min(object_model, report_order) AS object_model,
       arg_min(object_group, report_order) AS object_group,
       arg_min(domain, report_order) AS domain,
       bool_or(negated) AS negated,
       min(seen_at) AS first_seen_at,
       max(seen_at) AS last_seen_at,
       arg_min(article_id, report_order) AS first_article_id,
       count(*)::INTEGER AS mention_count,
       count(*) FILTER (WHERE disputed)::INTEGER AS disputed_count,
       count(DISTINCT source)::INTEGER AS source_count,
       arg_min(claimant, claimant_order) AS strongest_claimant,
       arg_min(claimant_name, claimant_order) AS strongest_claimant_name
FROM counted_mentions
GROUP BY claim_id;
DELETE FROM claims WHERE claim_id NOT IN (SELECT claim_id FROM claim_agg);
INSERT OR REPLACE INTO claims (claim_id, subject_org, subject_model, subject_group, relation, object_org,
    object_model, object_group, domain, negated, first_seen_at, last_seen_at, first_article_id, mention_count,
    source_count, created_at, created_run_id, strongest_claimant, strongest_claimant_name, suppressed, disputed_count)
SELECT g.claim_id, g.subject_org, g.subject_model, g.subject_group, g.relation, g.object_org, g.object_model,
       g.object_group, g.domain, g.negated, g.first_seen_at, g.last_seen_at, g.first_article_id, g.mention_count,
       g.source_count, coalesce(old.created_at, now()), CASE WHEN old.claim_id IS NULL THEN :run_id
       ELSE old.created_run_id END, g.strongest_claimant, g.strongest_claimant_name,
       EXISTS (SELECT 1 FROM judged_wrong w WHERE w.target_kind = 'claim' AND w.target_id = g.claim_id)
       OR NOT EXISTS (SELECT 1 FROM claim_mentions o WHERE o.claim_id = g.claim_id AND NOT EXISTS (
           SELECT 1 FROM judged_wrong w WHERE w.target_kind = 'mention' AND w.target_id = o.mention_id)),
       g.disputed_count
FROM claim_agg g LEFT JOIN claims old ON old.claim_id = g.claim_id;
DROP TABLE claim_agg;
DROP TABLE counted_mentions;
DROP TABLE judged_wrong;

-- name: rebuild_entities#
-- The entities table from claim mentions: every firm and model named as a side or claimant, with its first
-- sighting; a firm not in :gazetteer_firms is flagged for curation.
CREATE OR REPLACE TEMP TABLE mention_sightings AS
SELECT m.*, coalesce(a.published_at, a.fetched_at) AS ts
FROM claim_mentions m JOIN articles a ON a.article_id = m.article_id;
CREATE OR REPLACE TEMP TABLE entity_sightings AS
SELECT 'firm' AS kind, org AS name, org AS firm, list_contains(:gazetteer_firms, org) AS in_gazetteer, ts, article_id
FROM (SELECT subject_org AS org, ts, article_id FROM mention_sightings WHERE subject_org IS NOT NULL
      UNION ALL SELECT object_org, ts, article_id FROM mention_sightings WHERE object_org IS NOT NULL
      UNION ALL SELECT claimant_name, ts, article_id FROM mention_sightings WHERE claimant_name IS NOT NULL)
UNION ALL
SELECT 'model', model, firm, coalesce(known, FALSE), ts, article_id
FROM (SELECT subject_model AS model, subject_org AS firm, subject_model_in_gazetteer AS known, ts, article_id
      FROM mention_sightings WHERE subject_model IS NOT NULL
      UNION ALL
      SELECT object_model, object_org, object_model_in_gazetteer, ts, article_id
      FROM mention_sightings WHERE object_model IS NOT NULL);
CREATE OR REPLACE TEMP TABLE entity_agg AS
SELECT kind || ':' || name AS entity_id, kind, name, arg_min(firm, (ts, article_id, firm)) AS firm,
       bool_or(in_gazetteer) AS in_gazetteer, min(ts) AS first_seen_at,
       arg_min(article_id, (ts, article_id)) AS first_article_id, count(*)::INTEGER AS mention_count
FROM entity_sightings GROUP BY kind, name;
DELETE FROM entities WHERE entity_id NOT IN (SELECT entity_id FROM entity_agg);
INSERT OR REPLACE INTO entities (entity_id, kind, name, firm, in_gazetteer, first_seen_at, first_article_id,
    mention_count, created_at)
SELECT g.entity_id, g.kind, g.name, g.firm, g.in_gazetteer, g.first_seen_at, g.first_article_id, g.mention_count,
       coalesce(old.created_at, now())
FROM entity_agg g LEFT JOIN entities old ON old.entity_id = g.entity_id;
DROP TABLE entity_sightings;
DROP TABLE entity_agg;
DROP TABLE mention_sightings;

-- name: entities_not_in_gazetteer
-- How many entities are not in the gazetteer.
SELECT count(*) FROM entities WHERE NOT in_gazetteer;

-- name: discovered_entities
-- (kind, name, firm) of entities not in the gazetteer, oldest first.
SELECT kind, name, firm FROM entities WHERE NOT in_gazetteer ORDER BY first_seen_at;
