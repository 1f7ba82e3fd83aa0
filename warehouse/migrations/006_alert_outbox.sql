-- Outbox details: priority (watchlist), kind (new | relation_change), retry schedule, digests;
-- strongest evidence on claims.
ALTER TABLE alerts ADD COLUMN priority BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE alerts ADD COLUMN kind VARCHAR NOT NULL DEFAULT 'new';
ALTER TABLE alerts ADD COLUMN next_attempt_at TIMESTAMPTZ;
ALTER TABLE alerts ADD COLUMN digest_id VARCHAR;
ALTER TABLE claims ADD COLUMN strongest_claimant VARCHAR;       -- third_party > self > outlet
ALTER TABLE claims ADD COLUMN strongest_claimant_name VARCHAR;

CREATE OR REPLACE VIEW v_parity_claims AS
SELECT c.claim_id, c.subject_org, c.subject_model, c.subject_group, c.relation, c.object_org, c.object_model,
       c.object_group, c.domain, c.first_seen_at, c.last_seen_at, c.mention_count, c.source_count,
       c.strongest_claimant, c.strongest_claimant_name, a.source AS first_source, a.url AS first_url,
       (SELECT string_agg(DISTINCT ar.source, ', ' ORDER BY ar.source) FROM claim_mentions m
        JOIN articles ar ON ar.article_id = m.article_id WHERE m.claim_id = c.claim_id) AS sources
FROM claims c LEFT JOIN articles a ON a.article_id = c.first_article_id
WHERE c.relation IN ('parity', 'surpass') AND NOT c.negated;

CREATE OR REPLACE VIEW v_claim_timeline AS
SELECT CAST(coalesce(a.published_at, a.fetched_at) AS DATE) AS day, f.firm, m.relation, m.negated,
       count(*) AS mentions, count(DISTINCT m.claim_id) AS claims
FROM claim_mentions m
JOIN articles a ON a.article_id = m.article_id AND a.duplicate_of IS NULL
CROSS JOIN LATERAL (SELECT m.subject_org AS firm UNION SELECT m.object_org) f
WHERE f.firm IS NOT NULL
GROUP BY ALL;
