-- Named statements of landed pages: raw_pages, fetch_log, feed_state, page_verdicts.

-- name: known_urls
-- URLs already stored (landed pages and the canonical URLs of articles): not fetched again.
SELECT url FROM raw_pages WHERE status = 200
UNION SELECT final_url FROM raw_pages WHERE status = 200
UNION SELECT canonical_url FROM articles;

-- name: feed_validators
-- ETag / Last-Modified per feed or sitemap URL, for conditional requests.
SELECT url, etag, last_modified FROM feed_state;

-- name: upsert_feed_state!
-- The validators of feeds and sitemaps fetched in a crawl (registered as incoming_feed_state); a 304 keeps the
-- validators it was asked with.
INSERT INTO feed_state (url, source, etag, last_modified, last_status, checked_at, changed_at)
SELECT url, source, etag, last_modified, status, fetched_at, CASE WHEN status = 200 THEN fetched_at END
FROM incoming_feed_state
ON CONFLICT (url) DO UPDATE SET
    etag = CASE WHEN excluded.last_status = 200 THEN excluded.etag ELSE feed_state.etag END,
    last_modified = CASE WHEN excluded.last_status = 200 THEN excluded.last_modified ELSE feed_state.last_modified END,
    last_status = excluded.last_status, checked_at = excluded.checked_at,
    changed_at = coalesce(excluded.changed_at, feed_state.changed_at);

-- name: unjudged_page_rowids
-- Row ids of the landed 200 responses not yet judged, in landing order.
SELECT rowid FROM raw_pages r
WHERE status = 200 AND NOT EXISTS (SELECT 1 FROM page_verdicts v WHERE v.page_id = r.page_id)
ORDER BY fetched_at, url;

-- name: pages_at_rowids
-- Landed pages with their bodies, by row id.
SELECT rowid AS _rowid, page_id, url, final_url, source, content_type, fetched_at, body
FROM raw_pages WHERE rowid = ANY(?);
