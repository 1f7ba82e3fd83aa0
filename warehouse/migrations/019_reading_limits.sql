-- The reading bounds an article hit (a sentence over the length limit read in pieces, cues past the per-sentence
-- limit not read): recorded with its extraction, so nothing the rules leave unread goes unsaid.
ALTER TABLE article_extractions ADD COLUMN limits VARCHAR;
ALTER TABLE staged_extractions ADD COLUMN limits JSON NOT NULL DEFAULT '[]';
