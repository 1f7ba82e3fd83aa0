-- Named statements of the alert outbox and its deliveries.
--
-- Writing alerts: a story is a (subject firm, object firm) pair of claims whose relation is in :story_relations;
-- model, domain and outlet variants of it are one story. gather_story_claims collects those claims once, with the
-- earliest claim of each story of each kind marked; each create_*_alerts statement then writes at most one alert per
-- story and kind, from that claim; every alert id is stable, so running them again writes nothing twice. They run in
-- order (new first): a later kind looks at the alerts an earlier one wrote. :watchlist (lower-cased names) marks an
-- alert priority.

-- name: gather_story_claims#
-- The claims of every story (and of unnamed subjects), with what the alert statements ask of them: the columns an
-- alert copies (as one struct), and each claim's place, earliest first, among its story's claims of each kind.
CREATE OR REPLACE TEMP TABLE story_claims AS
SELECT c.claim_id, c.relation, c.subject_org, c.object_org, c.negated, c.first_seen_at,
       c.subject_org || ' | ' || c.object_org AS story_key,
       NOT c.negated AND c.mention_count > c.disputed_count AS asserted,  -- someone states it without doubting it
       c.strongest_claimant = 'third_party' AND c.strongest_claimant_name IS NOT NULL AS named_third_party,
       (c.negated AND named_third_party) OR (NOT c.negated AND c.disputed_count > 0) AS disputing,
       {'claim_id': c.claim_id, 'relation': c.relation, 'claimant': c.strongest_claimant,
        'priority': list_has_any([lower(c.subject_org), lower(c.subject_model), lower(c.object_org),
                                  lower(c.object_model)], :watchlist::VARCHAR[]),
        'run_id': :run_id::VARCHAR, 'created_at': now(), 'status': 'pending', 'attempts': 0} AS alert
FROM claims c
WHERE list_contains(:story_relations, c.relation) AND NOT c.suppressed AND c.object_org IS NOT NULL;
CREATE OR REPLACE TEMP TABLE story_firsts AS
SELECT claim_id,
       row_number() OVER (PARTITION BY story_key, asserted ORDER BY first_seen_at, claim_id) = 1 AND asserted
           AS first_asserted,
       row_number() OVER (PARTITION BY story_key, asserted AND relation = :escalation
                          ORDER BY first_seen_at, claim_id) = 1 AND asserted AND relation = :escalation
           AS first_escalation,
       row_number() OVER (PARTITION BY story_key, asserted AND named_third_party ORDER BY first_seen_at, claim_id) = 1
           AND asserted AND named_third_party AS first_confirming,
       row_number() OVER (PARTITION BY story_key, disputing ORDER BY first_seen_at, claim_id) = 1 AND disputing
           AS first_disputing,
       bool_or(NOT negated AND named_third_party) OVER (PARTITION BY story_key) AS named_third_party_in_story
FROM story_claims WHERE subject_org IS NOT NULL AND subject_org <> object_org;

-- name: create_new_alerts!
-- new: the story's first asserted claim; its claimant is a named third party if any claim of the story not denied
-- has one.
INSERT INTO alerts BY NAME
SELECT unnest(struct_update(c.alert, claimant := CASE WHEN f.named_third_party_in_story THEN 'third_party'
                                                      ELSE c.alert.claimant END)),
       substr(md5(c.claim_id || ':' || c.relation), 1, 20) AS alert_id, 'new' AS kind, c.story_key AS story_key
FROM story_claims c JOIN story_firsts f USING (claim_id)
WHERE f.first_asserted AND NOT EXISTS (SELECT 1 FROM alerts x WHERE x.story_key = c.story_key);

-- name: create_relation_change_alerts!
-- relation_change: an alerted story now has an asserted claim of the stronger relation (:escalation).
INSERT INTO alerts BY NAME
SELECT unnest(c.alert), substr(md5(c.claim_id || ':' || c.relation), 1, 20) AS alert_id, 'relation_change' AS kind,
       c.story_key AS story_key
FROM story_claims c JOIN story_firsts f USING (claim_id)
WHERE f.first_escalation AND EXISTS (SELECT 1 FROM alerts x WHERE x.story_key = c.story_key)
  AND NOT EXISTS (SELECT 1 FROM alerts x WHERE x.story_key = c.story_key AND x.relation = :escalation);

-- name: create_confirmed_alerts!
-- confirmed: a story first alerted on its firm's or an outlet's word now has a named third party's.
INSERT INTO alerts BY NAME
SELECT unnest(c.alert), substr(md5(c.story_key || ':confirmed'), 1, 20) AS alert_id, 'confirmed' AS kind,
       c.story_key AS story_key
FROM story_claims c JOIN story_firsts f USING (claim_id)
WHERE f.first_confirming
  AND NOT EXISTS (SELECT 1 FROM alerts x WHERE x.story_key = c.story_key AND x.kind = 'confirmed')
  AND EXISTS (SELECT 1 FROM alerts x WHERE x.story_key = c.story_key AND x.kind = 'new'
              AND coalesce(x.claimant, 'outlet') <> 'third_party');

-- name: create_disputed_alerts!
-- disputed: a named party denies an alerted story, or a report of it says it is doubted.
INSERT INTO alerts BY NAME
SELECT unnest(c.alert), substr(md5(c.story_key || ':disputed'), 1, 20) AS alert_id, 'disputed' AS kind,
       c.story_key AS story_key
FROM story_claims c JOIN story_firsts f USING (claim_id)
WHERE f.first_disputing AND EXISTS (SELECT 1 FROM alerts x WHERE x.story_key = c.story_key)
  AND NOT EXISTS (SELECT 1 FROM alerts x WHERE x.story_key = c.story_key AND x.kind = 'disputed');

-- name: create_unnamed_alerts!
-- unnamed: "a Chinese AI model matches Anthropic" never alerts on its own; it goes out in a digest.
INSERT INTO alerts BY NAME
SELECT unnest(c.alert), substr(md5(c.claim_id || ':' || c.relation), 1, 20) AS alert_id, 'unnamed' AS kind,
       NULL AS story_key
FROM story_claims c
WHERE c.subject_org IS NULL AND c.asserted AND NOT EXISTS (SELECT 1 FROM alerts x WHERE x.claim_id = c.claim_id);

-- name: create_same_firm_alerts!
-- same_firm: one firm's model against another of its own ("Opus 4.8 matches Mythos") is no rival's claim: it is
-- no story and goes out only in a digest.
INSERT INTO alerts BY NAME
SELECT unnest(c.alert), substr(md5(c.claim_id || ':' || c.relation), 1, 20) AS alert_id, 'same_firm' AS kind,
       NULL AS story_key
FROM story_claims c
WHERE c.subject_org = c.object_org AND c.asserted AND NOT EXISTS (SELECT 1 FROM alerts x WHERE x.claim_id = c.claim_id);

-- name: drop_story_claims#
DROP TABLE IF EXISTS story_firsts;
DROP TABLE IF EXISTS story_claims;

-- name: alert_details
-- Alerts joined with their claim, first source and evidence sentence: all of them, or those with the given ids
-- (:alert_ids), or those a run wrote (:run_id), or those written since :created_since that :channel has not
-- accepted yet (of claims not judged wrong). Unused filters are NULL.
SELECT al.alert_id, al.status, al.created_at, al.delivered_at, al.priority, al.kind, al.attempts, al.digest_id,
       al.last_error, al.story_key, al.claimant AS story_claimant,
       c.claim_id, c.subject_org, c.subject_model, c.subject_group, c.relation, c.object_org, c.object_model,
       c.object_group, c.domain, c.first_seen_at, c.mention_count, c.source_count,
       a.url AS first_url, a.source AS first_source, a.title AS first_title, a.language AS first_language,
       (SELECT string_agg(DISTINCT ar.language, ',' ORDER BY ar.language) FROM claim_mentions lm
        JOIN articles ar ON ar.article_id = lm.article_id WHERE lm.claim_id = c.claim_id) AS languages,
       m.sentence, m.claimant, m.claimant_name, m.hedged
FROM alerts al
JOIN claims c ON c.claim_id = al.claim_id
LEFT JOIN articles a ON a.article_id = c.first_article_id
LEFT JOIN v_claim_evidence m ON m.claim_id = c.claim_id
WHERE (:alert_ids::VARCHAR[] IS NULL OR list_contains(:alert_ids::VARCHAR[], al.alert_id))
  AND (:run_id::VARCHAR IS NULL OR al.run_id = :run_id::VARCHAR)
  AND (:channel::VARCHAR IS NULL OR (
       al.created_at >= :created_since::TIMESTAMPTZ AND al.status <> 'suppressed' AND NOT c.suppressed
       AND NOT EXISTS (SELECT 1 FROM alert_deliveries ad WHERE ad.alert_id = al.alert_id
                       AND ad.channel = :channel::VARCHAR AND ad.status = 'delivered')))
ORDER BY c.first_seen_at, al.alert_id;

-- name: due_alerts_summary
-- Alerts due for delivery now (see claim_due_alerts): how many, the newest one's creation time, attempts so far.
SELECT count(*), max(al.created_at)::VARCHAR, coalesce(sum(al.attempts), 0) FROM alerts al
WHERE al.status IN ('pending', 'failed', 'sending') AND al.attempts < ?
  AND (al.next_attempt_at IS NULL OR al.next_attempt_at <= now())
  AND NOT EXISTS (SELECT 1 FROM claims sc WHERE sc.claim_id = al.claim_id AND sc.suppressed);

-- name: due_alert_ids
-- Due for delivery: waiting, or failed with attempts left and past its wait, or claimed by a delivery whose lease
-- ran out (the sender died between claiming and recording; the alert is sent again under the same key).
SELECT alert_id FROM alerts al
WHERE al.status IN ('pending', 'failed', 'sending') AND al.attempts < ?
  AND (al.next_attempt_at IS NULL OR al.next_attempt_at <= now())
  AND NOT EXISTS (SELECT 1 FROM claims sc WHERE sc.claim_id = al.claim_id AND sc.suppressed);

-- name: lease_alerts!
-- Take alerts for one delivery: 'sending' until the lease runs out.
UPDATE alerts SET status = 'sending', next_attempt_at = now() + to_seconds(?) WHERE alert_id IN (SELECT unnest(?));

-- name: assign_digest!
-- These alerts go out together as one digest.
UPDATE alerts SET digest_id = ? WHERE alert_id IN (SELECT unnest(?));

-- name: mark_delivered!
UPDATE alerts SET status = 'delivered', delivered_at = now(), channel = ?, attempts = attempts + 1,
       last_error = NULL, next_attempt_at = NULL, digest_id = coalesce(?, digest_id)
WHERE alert_id IN (SELECT unnest(?));

-- name: mark_failed!
-- A failed attempt: the next one after backoff * 2 ** attempts so far (each alert by its own count).
UPDATE alerts SET status = 'failed', channel = ?, attempts = attempts + 1, last_error = ?,
       next_attempt_at = now() + to_seconds(? * pow(2, attempts))
WHERE alert_id IN (SELECT unnest(?));

-- name: mark_filtered!
-- No immediate channel subscribes to these alerts (digests may still carry them).
UPDATE alerts SET status = 'filtered', next_attempt_at = NULL WHERE alert_id IN (SELECT unnest(?));

-- name: channel_deliveries
SELECT alert_id, channel, digest_id, status FROM alert_deliveries WHERE alert_id IN (SELECT unnest(?))
ORDER BY alert_id, channel;

-- name: record_channel_deliveries!
INSERT INTO alert_deliveries (alert_id, channel, digest_id, status, delivered_at)
SELECT unnest(:alert_ids), :channel, :digest_id, :status, CASE WHEN :status = 'delivered' THEN now() END
ON CONFLICT (alert_id, channel) DO UPDATE SET digest_id = excluded.digest_id, status = excluded.status,
    delivered_at = excluded.delivered_at;

-- name: last_delivery_at
SELECT max(delivered_at) FROM alert_deliveries WHERE channel = ? AND status = 'delivered';
