-- Claims the sentence itself reports as doubted or denied ("has cast doubt on claims that X matches Y"): kept as
-- stated, marked disputed per mention and counted per claim; a claim only ever reported as doubted starts no alert.
ALTER TABLE claim_mentions ADD COLUMN disputed BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE claims ADD COLUMN disputed_count INTEGER NOT NULL DEFAULT 0;
COMMENT ON COLUMN claim_mentions.disputed IS 'The sentence reports doubt or a denial of the claim (cast doubt on, could not reproduce, denied, 质疑 ...).';
COMMENT ON COLUMN claims.disputed_count IS 'Mentions whose sentence reports doubt or a denial of the claim; equal to mention_count: only ever reported as doubted.';
COMMENT ON COLUMN alerts.kind IS 'new (a story''s first alert), relation_change (parity became surpass), confirmed (a named third party), disputed (a named party denies it, or a report says it is doubted), unnamed (no named subject: digest only).';
