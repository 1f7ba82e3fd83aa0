-- claimwatch warehouse, version 1.
-- raw_pages: every HTTP response the crawler landed (the landing table).
CREATE TABLE raw_pages (
    page_id      VARCHAR PRIMARY KEY,      -- sha1 of final_url + body hash
    url          VARCHAR NOT NULL,         -- URL as requested (after canonicalisation of tracking params)
    final_url    VARCHAR NOT NULL,         -- URL after redirects
    source       VARCHAR NOT NULL,
    status       INTEGER NOT NULL,
    headers      JSON,
    content_type VARCHAR,
    fetched_at   TIMESTAMPTZ NOT NULL,
    body         BLOB,
    body_sha1    VARCHAR NOT NULL,
    run_id       VARCHAR
);

-- pages that were cleaned and judged: article or not, and why.
CREATE TABLE page_verdicts (
    page_id     VARCHAR PRIMARY KEY,
    url         VARCHAR NOT NULL,
    source      VARCHAR NOT NULL,
    is_article  BOOLEAN NOT NULL,
    reason      VARCHAR NOT NULL,          -- 'article' or why not: soft_404, consent_wall, index_page, ...
    judged_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE articles (
    article_id     VARCHAR PRIMARY KEY,    -- sha1 of canonical_url
    url            VARCHAR NOT NULL,
    canonical_url  VARCHAR NOT NULL,
    source         VARCHAR NOT NULL,
    title          VARCHAR,
    author         VARCHAR,
    published_at   TIMESTAMPTZ,
    fetched_at     TIMESTAMPTZ NOT NULL,
    language       VARCHAR,
    sitename       VARCHAR,
    text           VARCHAR NOT NULL,
    content_hash   VARCHAR NOT NULL,       -- sha1 of normalised text
    duplicate_of   VARCHAR,                -- article_id of the kept copy; NULL for a kept article
    duplicate_reason VARCHAR,              -- canonical_url | content_hash | near_duplicate
    is_syndicated  BOOLEAN NOT NULL DEFAULT FALSE,
    is_amp         BOOLEAN NOT NULL DEFAULT FALSE,
    page_id        VARCHAR
);

-- which kept articles have been run through the claim rules, and with which rules version.
CREATE TABLE article_extractions (
    article_id        VARCHAR PRIMARY KEY,
    extractor_version VARCHAR NOT NULL,
    mention_count     INTEGER NOT NULL,
    error             VARCHAR,             -- set when the rules raised on this article
    extracted_at      TIMESTAMPTZ NOT NULL
);

CREATE TABLE claim_mentions (
    mention_id    VARCHAR PRIMARY KEY,     -- sha1 of article_id, start_char, end_char, claim key
    claim_id      VARCHAR NOT NULL,
    article_id    VARCHAR NOT NULL,
    subject       VARCHAR,
    subject_org   VARCHAR,
    subject_model VARCHAR,
    subject_group VARCHAR,
    relation      VARCHAR NOT NULL,
    object        VARCHAR,
    object_org    VARCHAR,
    object_model  VARCHAR,
    object_group  VARCHAR,
    domain        VARCHAR,
    negated       BOOLEAN NOT NULL,
    sentence      VARCHAR NOT NULL,
    claimant      VARCHAR NOT NULL,        -- self | third_party | outlet
    claimant_name VARCHAR,
    hedged        BOOLEAN NOT NULL,
    start_char    INTEGER NOT NULL,
    end_char      INTEGER NOT NULL,
    extracted_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE claims (
    claim_id       VARCHAR PRIMARY KEY,    -- sha1 of the claim key
    subject_org    VARCHAR,
    subject_model  VARCHAR,
    subject_group  VARCHAR,                -- label for unnamed groups ("a Chinese AI model")
    relation       VARCHAR NOT NULL,
    object_org     VARCHAR,
    object_model   VARCHAR,
    object_group   VARCHAR,
    domain         VARCHAR,
    negated        BOOLEAN NOT NULL,
    first_seen_at  TIMESTAMPTZ NOT NULL,
    last_seen_at   TIMESTAMPTZ NOT NULL,
    first_article_id VARCHAR,
    created_at     TIMESTAMPTZ NOT NULL,   -- when the warehouse first held this claim (kept across refreshes)
    created_run_id VARCHAR,
    mention_count  INTEGER NOT NULL,
    source_count   INTEGER NOT NULL
);

CREATE TABLE alerts (
    alert_id      VARCHAR PRIMARY KEY,     -- sha1 of claim_id + relation: one alert per claim and relation
    claim_id      VARCHAR NOT NULL,
    relation      VARCHAR NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    delivered_at  TIMESTAMPTZ,
    channel       VARCHAR,
    status        VARCHAR NOT NULL,        -- pending | delivered | failed
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_error    VARCHAR
);

CREATE TABLE fetch_log (
    url         VARCHAR NOT NULL,
    source      VARCHAR NOT NULL,
    role        VARCHAR,                   -- feed | sitemap | page
    status      INTEGER,                   -- HTTP status when there was a response
    error       VARCHAR,                   -- NULL on success; else a reason to group by
    detail      VARCHAR,
    fetched_at  TIMESTAMPTZ NOT NULL,
    run_id      VARCHAR
);

CREATE TABLE runs (
    run_id       VARCHAR PRIMARY KEY,
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ,
    sources_file VARCHAR,
    summary      JSON
);
