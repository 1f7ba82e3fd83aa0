-- Named statements of articles and their signatures.

-- name: existing_article_ids
-- Which of these article ids are stored already.
SELECT article_id FROM articles WHERE article_id IN (SELECT unnest(?));

-- name: copy_groups
-- Every member (the kept copy and all its duplicates) of the copy groups touching these canonical URLs, content
-- hashes or article ids.
WITH hit AS (
    SELECT article_id, duplicate_of FROM articles
    WHERE canonical_url IN (SELECT unnest(:canonical_urls)) OR content_hash IN (SELECT unnest(:content_hashes))
       OR article_id IN (SELECT unnest(:article_ids))),
keepers AS (SELECT coalesce(duplicate_of, article_id) AS k FROM hit)
SELECT article_id, url, canonical_url, source, title, author, published_at, fetched_at, language, sitename, text,
       content_hash, duplicate_of, duplicate_reason, is_syndicated, is_amp, page_id
FROM articles
WHERE article_id IN (SELECT k FROM keepers) OR duplicate_of IN (SELECT k FROM keepers);

-- name: set_duplicate_of!
-- Which article a stored copy duplicates (NULL: it is the kept copy).
UPDATE articles SET duplicate_of = ?, duplicate_reason = ? WHERE article_id = ?;

-- name: band_candidates
-- Stored articles sharing at least one LSH band bucket with the probed buckets, with their signatures.
SELECT DISTINCT s.article_id, s.minhash
FROM signature_bands b JOIN article_signatures s ON s.article_id = b.article_id
WHERE b.bucket IN (SELECT unnest(?::BIGINT[]));

-- name: signatures_of
-- The stored signatures of these articles.
SELECT article_id, minhash FROM article_signatures WHERE article_id IN (SELECT unnest(?::VARCHAR[]));

-- name: signatures_without_bands
-- Stored signatures with no band rows yet (stored before signature_bands existed), at most a number of them.
SELECT s.article_id, s.minhash FROM article_signatures s
WHERE NOT EXISTS (SELECT 1 FROM signature_bands b WHERE b.article_id = s.article_id) LIMIT ?;

-- name: banded_signature_count
-- (stored signatures, band rows): band rows are signatures times bands when every signature has its bands.
SELECT (SELECT count(*) FROM article_signatures), (SELECT count(*) FROM signature_bands);
