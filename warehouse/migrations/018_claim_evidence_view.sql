-- A claim's evidence: the sentence of its first article from the strongest claimant (a named third party, then the
-- firm itself, then the outlet). Alerts and the claims listing read it from here instead of each repeating the join.
CREATE OR REPLACE VIEW v_claim_evidence AS
SELECT c.claim_id, m.sentence, m.claimant, m.claimant_name, m.hedged
FROM claims c
LEFT JOIN LATERAL (
    SELECT sentence, claimant, claimant_name, hedged FROM claim_mentions mm
    WHERE mm.claim_id = c.claim_id AND mm.article_id = c.first_article_id
    ORDER BY CASE claimant WHEN 'third_party' THEN 0 WHEN 'self' THEN 1 ELSE 2 END, claimant_name IS NULL,
             start_char LIMIT 1
) m ON TRUE;
COMMENT ON VIEW v_claim_evidence IS 'Per claim, the evidence sentence of its first article from its strongest claimant.';
COMMENT ON COLUMN v_claim_evidence.claim_id IS 'The claim (claims.claim_id).';
COMMENT ON COLUMN v_claim_evidence.sentence IS 'The sentence that states it (NULL if its first article has no mention left).';
COMMENT ON COLUMN v_claim_evidence.claimant IS 'Who says it in that sentence: third_party, self or outlet.';
COMMENT ON COLUMN v_claim_evidence.claimant_name IS 'The named claimant, if the sentence names one.';
COMMENT ON COLUMN v_claim_evidence.hedged IS 'True when the sentence hedges the claim (reportedly, may, claims).';
