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

-- name: stored_signatures
-- Every stored article's text signature.
SELECT article_id, minhash FROM article_signatures;
