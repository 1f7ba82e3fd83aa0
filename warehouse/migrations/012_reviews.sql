-- Analysts' judgements: a claim or one mention of it marked right or wrong, with a note. The latest judgement
-- of a target counts; earlier ones stay as history. Nothing is deleted: a claim judged wrong (or all of whose
-- mentions are) is kept with suppressed = true and leaves claims listings, alerts and exports.
CREATE TABLE reviews (
    review_id    VARCHAR PRIMARY KEY,
    target_kind  VARCHAR NOT NULL,          -- claim | mention
    target_id    VARCHAR NOT NULL,          -- claims.claim_id or claim_mentions.mention_id
    verdict      VARCHAR NOT NULL,          -- right | wrong
    note         VARCHAR,
    reviewer     VARCHAR,
    reviewed_at  TIMESTAMPTZ NOT NULL
);

CREATE OR REPLACE VIEW v_current_reviews AS
SELECT target_kind, target_id, arg_max(verdict, reviewed_at) AS verdict, arg_max(note, reviewed_at) AS note,
       arg_max(reviewer, reviewed_at) AS reviewer, max(reviewed_at) AS reviewed_at, count(*) AS reviews
FROM reviews GROUP BY target_kind, target_id;

ALTER TABLE claims ADD COLUMN suppressed BOOLEAN DEFAULT FALSE;
UPDATE claims SET suppressed = FALSE;

-- the parity view leaves out suppressed claims; the timeline leaves out mentions judged wrong
CREATE OR REPLACE VIEW v_parity_claims AS
SELECT c.claim_id, c.subject_org, c.subject_model, c.subject_group, c.relation, c.object_org, c.object_model,
       c.object_group, c.domain, c.first_seen_at, c.last_seen_at, c.mention_count, c.source_count,
       c.strongest_claimant, c.strongest_claimant_name, a.source AS first_source, a.url AS first_url,
       (SELECT string_agg(DISTINCT ar.source, ', ' ORDER BY ar.source) FROM claim_mentions m
        JOIN articles ar ON ar.article_id = m.article_id WHERE m.claim_id = c.claim_id) AS sources
FROM claims c LEFT JOIN articles a ON a.article_id = c.first_article_id
WHERE c.relation IN ('parity', 'surpass') AND NOT c.negated AND NOT c.suppressed;

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
