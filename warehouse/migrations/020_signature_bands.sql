-- LSH band buckets of every stored article signature: near-duplicate candidates are found by a join here, so a run
-- no longer loads every stored signature into an in-memory index (9 KB an article, in every run's process).
-- Rows are written by the loader (the buckets are the dedup policy's, computed in Python); signatures stored
-- before this table existed get theirs on the next load.
CREATE TABLE signature_bands (
    bucket     BIGINT NOT NULL,
    article_id VARCHAR NOT NULL
);
