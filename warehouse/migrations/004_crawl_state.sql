-- Conditional GET state per feed / sitemap URL: an unchanged feed costs one 304.
CREATE TABLE feed_state (
    url            VARCHAR PRIMARY KEY,
    source         VARCHAR NOT NULL,
    etag           VARCHAR,
    last_modified  VARCHAR,
    last_status    INTEGER,
    checked_at     TIMESTAMPTZ NOT NULL,
    changed_at     TIMESTAMPTZ            -- last time it answered 200
);
