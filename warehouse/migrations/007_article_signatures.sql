-- MinHash signatures of article text, for near-duplicate detection across batches and runs.
CREATE TABLE article_signatures (
    article_id VARCHAR PRIMARY KEY,
    minhash    BLOB NOT NULL        -- num_perm uint64 hash values
);
