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

ALTER TABLE claims ADD COLUMN suppressed BOOLEAN DEFAULT FALSE;
UPDATE claims SET suppressed = FALSE;

-- v_current_reviews, and v_parity_claims / v_claim_timeline leaving out what is judged wrong:
-- warehouse/schema/views.sql.
