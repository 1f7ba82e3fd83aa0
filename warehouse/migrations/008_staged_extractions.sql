-- The claim rules' results for newly cleaned articles, computed by the cleaning workers of the `articles`
-- asset (one row per article, each extracted on its own). The `claim_mentions` asset keeps the rows of kept
-- articles, puts them in article order (re-extracting the few that name something an earlier article
-- introduced), loads them into claim_mentions and deletes them. Rows are only used with the same rules version
-- and the same seed of discovered names; anything else left here is stale and deleted by the next run.
CREATE TABLE staged_extractions (
    article_id        VARCHAR PRIMARY KEY,
    extractor_version VARCHAR NOT NULL,
    seed_key          VARCHAR NOT NULL,   -- fingerprint of the discovered names the rules were seeded with
    content_hash      VARCHAR NOT NULL,   -- of the text the rules read: used only while the article still has it
    mentions          JSON NOT NULL,      -- mention rows, as claim_mentions columns
    introduced        JSON NOT NULL,      -- [[name, label, firm], ...] names the article introduced
    error             VARCHAR,            -- the rules raised on this article
    staged_at         TIMESTAMPTZ NOT NULL
);
