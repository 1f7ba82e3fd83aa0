-- Alerts per story: one alert when a (subject firm, object firm) story first appears, and one update alert when
-- it changes in kind (parity becomes surpass, a named third party confirms, a named party disputes); claims with
-- no named subject reach only the digest.
ALTER TABLE alerts ADD COLUMN story_key VARCHAR;
ALTER TABLE alerts ADD COLUMN claimant VARCHAR;
-- alerts written before stories existed belong to their claim's story (so it is not alerted again)
UPDATE alerts SET story_key = (SELECT c.subject_org || ' | ' || c.object_org FROM claims c
                               WHERE c.claim_id = alerts.claim_id AND c.subject_org IS NOT NULL
                                 AND c.object_org IS NOT NULL),
                  claimant = (SELECT c.strongest_claimant FROM claims c WHERE c.claim_id = alerts.claim_id);
