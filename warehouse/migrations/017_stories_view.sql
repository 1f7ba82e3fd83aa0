-- Stories as analysts read them: one row per (subject firm, object firm) pair of parity/surpass claims, across
-- outlets, languages, model and domain variants, with what later reports added (sources, domains, the strongest
-- claimant) and the alerts it sent. Alerts follow the same grouping (alerts.story_key).
CREATE OR REPLACE VIEW v_stories AS
SELECT c.subject_org || ' | ' || c.object_org AS story_key,
       c.subject_org,
       c.object_org,
       string_agg(DISTINCT c.relation, ',' ORDER BY c.relation) AS relations,
       min(c.first_seen_at) AS first_seen_at,
       max(c.last_seen_at) AS last_seen_at,
       count(*)::INTEGER AS claim_count,
       sum(c.mention_count)::INTEGER AS mention_count,
       (SELECT count(DISTINCT a.source) FROM claim_mentions m JOIN articles a ON a.article_id = m.article_id
        JOIN claims k ON k.claim_id = m.claim_id
        WHERE k.subject_org = c.subject_org AND k.object_org = c.object_org
          AND k.relation IN ('parity', 'surpass') AND NOT k.suppressed)::INTEGER AS source_count,
       arg_min(fa.source, c.first_seen_at) AS first_source,
       arg_min(fa.url, c.first_seen_at) AS first_url,
       arg_min(c.strongest_claimant, CASE c.strongest_claimant WHEN 'third_party' THEN 0 WHEN 'self' THEN 1 ELSE 2 END
               * 10 + CASE WHEN c.strongest_claimant_name IS NULL THEN 1 ELSE 0 END) AS strongest_claimant,
       arg_min(c.strongest_claimant_name, CASE c.strongest_claimant WHEN 'third_party' THEN 0 WHEN 'self' THEN 1
               ELSE 2 END * 10 + CASE WHEN c.strongest_claimant_name IS NULL THEN 1 ELSE 0 END)
           AS strongest_claimant_name,
       string_agg(DISTINCT c.domain, ', ' ORDER BY c.domain) AS domains,
       bool_or(c.negated) AS has_denial,
       sum(c.disputed_count)::INTEGER AS disputed_mentions,
       (SELECT string_agg(al.kind, ',' ORDER BY al.created_at) FROM alerts al
        WHERE al.story_key = c.subject_org || ' | ' || c.object_org) AS alerts_sent
FROM claims c LEFT JOIN articles fa ON fa.article_id = c.first_article_id
WHERE c.relation IN ('parity', 'surpass') AND NOT c.suppressed
  AND c.subject_org IS NOT NULL AND c.object_org IS NOT NULL
GROUP BY c.subject_org, c.object_org;
COMMENT ON VIEW v_stories IS 'One row per story (subject firm, object firm) of parity/surpass claims: sources, domains, strongest claimant, alerts sent.';
COMMENT ON COLUMN v_stories.story_key IS 'subject firm | object firm, as in alerts.story_key.';
COMMENT ON COLUMN v_stories.subject_org IS 'The firm claimed to match or beat.';
COMMENT ON COLUMN v_stories.object_org IS 'The firm it is compared with.';
COMMENT ON COLUMN v_stories.relations IS 'parity, surpass, or both (the story changed in kind).';
COMMENT ON COLUMN v_stories.first_seen_at IS 'Earliest publication of any of its claims.';
COMMENT ON COLUMN v_stories.last_seen_at IS 'Latest publication of any of its claims.';
COMMENT ON COLUMN v_stories.claim_count IS 'Claims (model, domain and relation variants) in the story.';
COMMENT ON COLUMN v_stories.mention_count IS 'Sentences reporting it, over every claim.';
COMMENT ON COLUMN v_stories.source_count IS 'Distinct sources that reported it.';
COMMENT ON COLUMN v_stories.first_source IS 'Source of the first report.';
COMMENT ON COLUMN v_stories.first_url IS 'URL of the first report.';
COMMENT ON COLUMN v_stories.strongest_claimant IS 'third_party, self or outlet: the strongest word behind it so far.';
COMMENT ON COLUMN v_stories.strongest_claimant_name IS 'Who that is, when named.';
COMMENT ON COLUMN v_stories.domains IS 'Every domain it was claimed in.';
COMMENT ON COLUMN v_stories.has_denial IS 'Some claim of it is an explicit denial.';
COMMENT ON COLUMN v_stories.disputed_mentions IS 'Reports saying it is doubted.';
COMMENT ON COLUMN v_stories.alerts_sent IS 'Alert kinds written for it, oldest first (new, relation_change, confirmed, disputed).';
