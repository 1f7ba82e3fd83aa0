-- The evidence that decided each page verdict: a declaration the page made ('jsonld:NewsArticle',
-- 'og:article+published_time', 'dated_byline', 'article_element:3p', 'jsonld:CollectionPage') or the
-- heuristic and its measured value ('link_share=0.64', 'longest_line=52', 'title:tag:'). NULL for verdicts
-- recorded before this column existed.
ALTER TABLE page_verdicts ADD COLUMN signal VARCHAR;
