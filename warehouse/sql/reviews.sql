-- Named statements of the analysts' judgements (reviews) and what they change.

-- name: is_claim
SELECT count(*) > 0 FROM claims WHERE claim_id = ?;

-- name: is_mention
SELECT count(*) > 0 FROM claim_mentions WHERE mention_id = ?;

-- name: insert_review!
INSERT INTO reviews VALUES (?, ?, ?, ?, ?, ?, ?);

-- name: hold_alerts_of_suppressed_claims!
-- An alert not yet sent for a claim now suppressed waits as 'suppressed' ...
UPDATE alerts SET status = 'suppressed' WHERE status IN ('pending', 'failed', 'sending')
  AND claim_id IN (SELECT claim_id FROM claims WHERE suppressed);

-- name: release_alerts_of_unsuppressed_claims!
-- ... and is due again when its claim is judged right again.
UPDATE alerts SET status = 'pending', next_attempt_at = NULL WHERE status = 'suppressed'
  AND claim_id IN (SELECT claim_id FROM claims WHERE NOT suppressed);

-- name: claim_of_mention
SELECT claim_id FROM claim_mentions WHERE mention_id = ?;

-- name: claim_suppressed
SELECT suppressed FROM claims WHERE claim_id = ?;

-- name: current_reviews
-- Current judgements (latest per target), newest first, with the claim triple and the evidence sentence.
SELECT r.target_kind, r.target_id, r.verdict, r.note, r.reviewer, r.reviewed_at, r.reviews,
       coalesce(m.claim_id, r.target_id) AS claim_id, c.subject_org, c.relation, c.object_org, c.negated,
       m.sentence
FROM v_current_reviews r
LEFT JOIN claim_mentions m ON r.target_kind = 'mention' AND m.mention_id = r.target_id
LEFT JOIN claims c ON c.claim_id = coalesce(m.claim_id, r.target_id)
WHERE :verdict::VARCHAR IS NULL OR r.verdict = :verdict::VARCHAR
ORDER BY r.reviewed_at DESC;

-- name: judged_mentions
-- Every mention with a current judgement of its own or of its claim (the mention's own wins), with its article.
WITH judged AS (
    SELECT m.mention_id, coalesce(rm.verdict, rc.verdict) AS verdict, coalesce(rm.note, rc.note) AS note
    FROM claim_mentions m
    LEFT JOIN v_current_reviews rm ON rm.target_kind = 'mention' AND rm.target_id = m.mention_id
    LEFT JOIN v_current_reviews rc ON rc.target_kind = 'claim' AND rc.target_id = m.claim_id
    WHERE rm.verdict IS NOT NULL OR rc.verdict IS NOT NULL)
SELECT m.mention_id, m.claim_id, m.article_id, m.subject_org, m.relation, m.object_org, m.negated,
       m.sentence, m.start_char, m.end_char, j.verdict, j.note, a.title, a.text
FROM judged j JOIN claim_mentions m ON m.mention_id = j.mention_id
JOIN articles a ON a.article_id = m.article_id
WHERE list_contains(?, j.verdict)
ORDER BY m.article_id, m.start_char, m.mention_id;
