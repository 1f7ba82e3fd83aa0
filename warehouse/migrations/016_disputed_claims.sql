-- Claims the sentence itself reports as doubted or denied ("has cast doubt on claims that X matches Y"): kept as
-- stated, marked disputed per mention and counted per claim; a claim only ever reported as doubted starts no alert.
ALTER TABLE claim_mentions ADD COLUMN disputed BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE claims ADD COLUMN disputed_count INTEGER NOT NULL DEFAULT 0;
