-- What every table, view and column holds, as COMMENT ON; `claimwatch tables` / `claimwatch schema TABLE` show
-- them and scripts/render_warehouse_docs.py renders them into docs/warehouse.md (a test keeps the two in step).
-- A later migration that adds a column or replaces a view comments it too (tests/test_warehouse_docs.py).

COMMENT ON TABLE raw_pages IS 'Every HTTP response the crawler landed, body included (the landing table).';
COMMENT ON COLUMN raw_pages.page_id IS 'sha1 of the final URL and the body hash.';
COMMENT ON COLUMN raw_pages.url IS 'URL as requested, tracking parameters removed.';
COMMENT ON COLUMN raw_pages.final_url IS 'URL after redirects.';
COMMENT ON COLUMN raw_pages.source IS 'Source name from the sources file (or --source of ingest).';
COMMENT ON COLUMN raw_pages.status IS 'HTTP status of the response.';
COMMENT ON COLUMN raw_pages.headers IS 'Response headers as JSON.';
COMMENT ON COLUMN raw_pages.content_type IS 'Content-Type header.';
COMMENT ON COLUMN raw_pages.fetched_at IS 'When the page was fetched (or read from an archive).';
COMMENT ON COLUMN raw_pages.body IS 'Response body bytes.';
COMMENT ON COLUMN raw_pages.body_sha1 IS 'sha1 of the body.';
COMMENT ON COLUMN raw_pages.run_id IS 'Run that landed the page (runs.run_id).';

COMMENT ON TABLE page_verdicts IS 'Each cleaned page: kept as an article or not, why, and the evidence that decided it.';
COMMENT ON COLUMN page_verdicts.page_id IS 'raw_pages.page_id.';
COMMENT ON COLUMN page_verdicts.url IS 'Page URL.';
COMMENT ON COLUMN page_verdicts.source IS 'Source name.';
COMMENT ON COLUMN page_verdicts.is_article IS 'True when the page was kept as an article.';
COMMENT ON COLUMN page_verdicts.reason IS '''article'' or why not: soft_404, consent_wall, index_page, author_page, media_page, too_short, ...';
COMMENT ON COLUMN page_verdicts.judged_at IS 'When the page was cleaned and judged.';
COMMENT ON COLUMN page_verdicts.signal IS 'What decided it: a declaration (jsonld:NewsArticle, og:article+published_time, dated_byline) or a measured heuristic (link_share=0.64); NULL for older verdicts.';

COMMENT ON TABLE articles IS 'Cleaned articles, one row per canonical URL; duplicates point at the kept copy.';
COMMENT ON COLUMN articles.article_id IS 'sha1 of canonical_url.';
COMMENT ON COLUMN articles.url IS 'URL the article was fetched from.';
COMMENT ON COLUMN articles.canonical_url IS 'The page''s canonical URL (link rel=canonical, normalised).';
COMMENT ON COLUMN articles.source IS 'Source name.';
COMMENT ON COLUMN articles.title IS 'Headline.';
COMMENT ON COLUMN articles.author IS 'Byline, when the page gives one.';
COMMENT ON COLUMN articles.published_at IS 'Publication time from the page''s metadata; NULL when undated.';
COMMENT ON COLUMN articles.fetched_at IS 'When the page was fetched.';
COMMENT ON COLUMN articles.language IS 'Language code of the text (en, zh, ...).';
COMMENT ON COLUMN articles.sitename IS 'Site name from the page''s metadata.';
COMMENT ON COLUMN articles.text IS 'Main text as cleaned by trafilatura.';
COMMENT ON COLUMN articles.content_hash IS 'sha1 of the normalised text.';
COMMENT ON COLUMN articles.duplicate_of IS 'article_id of the kept copy; NULL for a kept article.';
COMMENT ON COLUMN articles.duplicate_reason IS 'Why it is a duplicate: canonical_url, content_hash or near_duplicate.';
COMMENT ON COLUMN articles.is_syndicated IS 'The page says it is a syndicated copy of another outlet''s story.';
COMMENT ON COLUMN articles.is_amp IS 'An AMP copy of a page.';
COMMENT ON COLUMN articles.page_id IS 'raw_pages.page_id the article was cleaned from.';

COMMENT ON TABLE article_extractions IS 'Which kept articles the claim rules have read, and with which rules version.';
COMMENT ON COLUMN article_extractions.article_id IS 'articles.article_id.';
COMMENT ON COLUMN article_extractions.extractor_version IS 'Fingerprint of the claim rules and their data files.';
COMMENT ON COLUMN article_extractions.mention_count IS 'Claim mentions found in the article.';
COMMENT ON COLUMN article_extractions.error IS 'The error when the rules raised on this article; NULL otherwise.';
COMMENT ON COLUMN article_extractions.extracted_at IS 'When the rules read it.';

COMMENT ON TABLE article_signatures IS 'MinHash signatures of article text, for near-duplicate detection across runs.';
COMMENT ON COLUMN article_signatures.article_id IS 'articles.article_id.';
COMMENT ON COLUMN article_signatures.minhash IS 'The signature''s hash values as bytes.';

COMMENT ON TABLE staged_extractions IS 'Claim-rule results computed by the cleaning workers, waiting to be put in article order and loaded.';
COMMENT ON COLUMN staged_extractions.article_id IS 'articles.article_id.';
COMMENT ON COLUMN staged_extractions.extractor_version IS 'Rules version the rows were computed with.';
COMMENT ON COLUMN staged_extractions.seed_key IS 'Fingerprint of the discovered names the rules were seeded with.';
COMMENT ON COLUMN staged_extractions.content_hash IS 'Hash of the text the rules read.';
COMMENT ON COLUMN staged_extractions.mentions IS 'Mention rows as claim_mentions columns (JSON).';
COMMENT ON COLUMN staged_extractions.introduced IS 'Names the article introduced: [[name, label, firm], ...].';
COMMENT ON COLUMN staged_extractions.error IS 'The error when the rules raised on this article.';
COMMENT ON COLUMN staged_extractions.staged_at IS 'When the row was staged.';

COMMENT ON TABLE claim_mentions IS 'Each place an article states a claim: one row per sentence and claim, with the evidence sentence.';
COMMENT ON COLUMN claim_mentions.mention_id IS 'sha1 of article_id, sentence offsets and the claim key (stable across re-extraction).';
COMMENT ON COLUMN claim_mentions.claim_id IS 'claims.claim_id of the deduplicated claim.';
COMMENT ON COLUMN claim_mentions.article_id IS 'articles.article_id.';
COMMENT ON COLUMN claim_mentions.subject IS 'Subject as written ("Alibaba''s Qwen3", "it" resolved to its name).';
COMMENT ON COLUMN claim_mentions.subject_org IS 'Subject''s firm, canonical name; NULL for an unnamed group.';
COMMENT ON COLUMN claim_mentions.subject_model IS 'Subject''s model, when one is named.';
COMMENT ON COLUMN claim_mentions.subject_group IS 'Unnamed subject group ("a chinese ai model").';
COMMENT ON COLUMN claim_mentions.relation IS 'parity, surpass, trail or approach (subject relative to object).';
COMMENT ON COLUMN claim_mentions.object IS 'Object as written.';
COMMENT ON COLUMN claim_mentions.object_org IS 'Object''s firm, canonical name; NULL for an unnamed group.';
COMMENT ON COLUMN claim_mentions.object_model IS 'Object''s model, when one is named.';
COMMENT ON COLUMN claim_mentions.object_group IS 'Unnamed object group ("us competitors").';
COMMENT ON COLUMN claim_mentions.domain IS 'Capability compared (coding, math, vulnerability detection, ...; general when none is named).';
COMMENT ON COLUMN claim_mentions.negated IS 'The sentence denies the claim ("does not match").';
COMMENT ON COLUMN claim_mentions.sentence IS 'The evidence sentence, exactly as in the article.';
COMMENT ON COLUMN claim_mentions.claimant IS 'Who asserts it: self (the subject''s firm), third_party or outlet.';
COMMENT ON COLUMN claim_mentions.claimant_name IS 'The named claimant (a firm, benchmark or evaluator), when named.';
COMMENT ON COLUMN claim_mentions.hedged IS 'Hedged: "claims", "reportedly", "could".';
COMMENT ON COLUMN claim_mentions.start_char IS 'Offset of the sentence in articles.text.';
COMMENT ON COLUMN claim_mentions.end_char IS 'End offset of the sentence in articles.text.';
COMMENT ON COLUMN claim_mentions.extracted_at IS 'When the rules found it.';
COMMENT ON COLUMN claim_mentions.subject_model_in_gazetteer IS 'The subject''s model is in the gazetteer (false: found by pattern or discovered).';
COMMENT ON COLUMN claim_mentions.object_model_in_gazetteer IS 'The object''s model is in the gazetteer (false: found by pattern or discovered).';

COMMENT ON TABLE claims IS 'Deduplicated claims: one row per (subject, relation, object, negated; models when both are named), across outlets, copies and languages.';
COMMENT ON COLUMN claims.claim_id IS 'sha1 of the claim key (stable across runs and re-extraction).';
COMMENT ON COLUMN claims.subject_org IS 'Subject''s firm; NULL for an unnamed group.';
COMMENT ON COLUMN claims.subject_model IS 'Subject''s model (of the first mention).';
COMMENT ON COLUMN claims.subject_group IS 'Unnamed subject group.';
COMMENT ON COLUMN claims.relation IS 'parity, surpass, trail or approach.';
COMMENT ON COLUMN claims.object_org IS 'Object''s firm; NULL for an unnamed group.';
COMMENT ON COLUMN claims.object_model IS 'Object''s model (of the first mention).';
COMMENT ON COLUMN claims.object_group IS 'Unnamed object group.';
COMMENT ON COLUMN claims.domain IS 'Domain of the first mention.';
COMMENT ON COLUMN claims.negated IS 'The claim is a denial.';
COMMENT ON COLUMN claims.first_seen_at IS 'Publication time (fetch time when undated) of the first article stating it.';
COMMENT ON COLUMN claims.last_seen_at IS 'Publication time of the latest article stating it.';
COMMENT ON COLUMN claims.first_article_id IS 'articles.article_id of the first report.';
COMMENT ON COLUMN claims.created_at IS 'When the warehouse first held this claim (kept across refreshes).';
COMMENT ON COLUMN claims.created_run_id IS 'Run that first found it.';
COMMENT ON COLUMN claims.mention_count IS 'Mentions counted (mentions judged wrong are not).';
COMMENT ON COLUMN claims.source_count IS 'Distinct sources stating it.';
COMMENT ON COLUMN claims.strongest_claimant IS 'Strongest claimant among its mentions: third_party > self > outlet.';
COMMENT ON COLUMN claims.strongest_claimant_name IS 'That claimant''s name, when named.';
COMMENT ON COLUMN claims.suppressed IS 'Judged wrong (claimwatch review): kept as evidence, left out of listings, alerts and exports.';

COMMENT ON TABLE alerts IS 'The alert outbox: one alert per new parity/surpass claim, with its delivery state.';
COMMENT ON COLUMN alerts.alert_id IS 'Stable id (claim and relation): the idempotency key a channel sees.';
COMMENT ON COLUMN alerts.claim_id IS 'claims.claim_id.';
COMMENT ON COLUMN alerts.relation IS 'The claim''s relation.';
COMMENT ON COLUMN alerts.created_at IS 'When the alert was written to the outbox.';
COMMENT ON COLUMN alerts.delivered_at IS 'When a channel accepted it.';
COMMENT ON COLUMN alerts.channel IS 'The channel that accepted it (or was tried last).';
COMMENT ON COLUMN alerts.status IS 'pending, sending (leased to a delivery), delivered, failed (retried) or suppressed (claim judged wrong).';
COMMENT ON COLUMN alerts.attempts IS 'Delivery attempts so far.';
COMMENT ON COLUMN alerts.last_error IS 'The last delivery error.';
COMMENT ON COLUMN alerts.priority IS 'The claim touches a watched firm or model.';
COMMENT ON COLUMN alerts.kind IS 'new, or relation_change (the same firms were claimed with another relation before).';
COMMENT ON COLUMN alerts.next_attempt_at IS 'Earliest next attempt (backoff after a failure, or the end of a delivery''s lease).';
COMMENT ON COLUMN alerts.digest_id IS 'The digest it went out in, when several went together.';
COMMENT ON COLUMN alerts.run_id IS 'Run that created it.';

COMMENT ON TABLE fetch_log IS 'Every fetch attempt and its outcome, failures included: what an operator groups by.';
COMMENT ON COLUMN fetch_log.url IS 'URL fetched.';
COMMENT ON COLUMN fetch_log.source IS 'Source name.';
COMMENT ON COLUMN fetch_log.role IS 'feed, sitemap or page.';
COMMENT ON COLUMN fetch_log.status IS 'HTTP status, when there was a response.';
COMMENT ON COLUMN fetch_log.error IS 'NULL on success; else a reason to group by (http_404, timeout, robots_disallowed, bad_url, ...).';
COMMENT ON COLUMN fetch_log.detail IS 'Details of the failure.';
COMMENT ON COLUMN fetch_log.fetched_at IS 'When it was tried.';
COMMENT ON COLUMN fetch_log.run_id IS 'Run it belongs to.';

COMMENT ON TABLE runs IS 'Pipeline runs (crawl or ingest) with their outcome and summary.';
COMMENT ON COLUMN runs.run_id IS 'Run id.';
COMMENT ON COLUMN runs.started_at IS 'Start time.';
COMMENT ON COLUMN runs.finished_at IS 'End time; NULL while running or after a crash.';
COMMENT ON COLUMN runs.sources_file IS 'Sources file used.';
COMMENT ON COLUMN runs.summary IS 'Counts of the run (JSON).';
COMMENT ON COLUMN runs.status IS 'ok or failed.';
COMMENT ON COLUMN runs.error IS 'Why it failed.';

COMMENT ON TABLE feed_state IS 'Conditional-GET state per feed or sitemap URL (an unchanged feed costs one 304).';
COMMENT ON COLUMN feed_state.url IS 'Feed or sitemap URL.';
COMMENT ON COLUMN feed_state.source IS 'Source name.';
COMMENT ON COLUMN feed_state.etag IS 'ETag of the last 200 response.';
COMMENT ON COLUMN feed_state.last_modified IS 'Last-Modified of the last 200 response.';
COMMENT ON COLUMN feed_state.last_status IS 'Status of the last fetch.';
COMMENT ON COLUMN feed_state.checked_at IS 'Last fetch.';
COMMENT ON COLUMN feed_state.changed_at IS 'Last time it answered 200.';

COMMENT ON TABLE entities IS 'Firms and models the claims name, with counts; in_gazetteer = false marks names to curate.';
COMMENT ON COLUMN entities.entity_id IS 'kind:name.';
COMMENT ON COLUMN entities.kind IS 'firm or model.';
COMMENT ON COLUMN entities.name IS 'Canonical name (firms) or name as written (models).';
COMMENT ON COLUMN entities.firm IS 'Owning firm of a model (the firm itself for a firm).';
COMMENT ON COLUMN entities.in_gazetteer IS 'Known to the gazetteer files; false: discovered in the text.';
COMMENT ON COLUMN entities.first_seen_at IS 'Publication time of the first article naming it.';
COMMENT ON COLUMN entities.first_article_id IS 'That article.';
COMMENT ON COLUMN entities.mention_count IS 'Claim mentions naming it.';
COMMENT ON COLUMN entities.created_at IS 'When the warehouse first held it.';

COMMENT ON TABLE reviews IS 'Analysts'' judgements of claims and mentions (claimwatch review); the latest per target counts.';
COMMENT ON COLUMN reviews.review_id IS 'Review id.';
COMMENT ON COLUMN reviews.target_kind IS 'claim or mention.';
COMMENT ON COLUMN reviews.target_id IS 'claims.claim_id or claim_mentions.mention_id.';
COMMENT ON COLUMN reviews.verdict IS 'right or wrong.';
COMMENT ON COLUMN reviews.note IS 'Why.';
COMMENT ON COLUMN reviews.reviewer IS 'Who judged it.';
COMMENT ON COLUMN reviews.reviewed_at IS 'When.';

COMMENT ON TABLE schema_migrations IS 'Applied warehouse migrations.';
COMMENT ON COLUMN schema_migrations.name IS 'Migration file name.';
COMMENT ON COLUMN schema_migrations.applied_at IS 'When it was applied.';

COMMENT ON VIEW source_health IS 'Per source: pages fetched, articles kept, duplicates, failures and their reasons, undated share, 304s, last success.';
COMMENT ON COLUMN source_health.source IS 'Source name.';
COMMENT ON COLUMN source_health.pages_fetched IS 'Pages fetched successfully.';
COMMENT ON COLUMN source_health.articles_kept IS 'Articles kept (not duplicates).';
COMMENT ON COLUMN source_health.duplicates IS 'Articles that were duplicates of another.';
COMMENT ON COLUMN source_health.failures IS 'Failed fetches.';
COMMENT ON COLUMN source_health.failure_rate IS 'Failures / attempts.';
COMMENT ON COLUMN source_health.failures_by_reason IS 'Failures per reason.';
COMMENT ON COLUMN source_health.share_no_date IS 'Share of kept articles with no publication date.';
COMMENT ON COLUMN source_health.not_modified IS 'Feed fetches answered 304.';
COMMENT ON COLUMN source_health.last_success IS 'Last successful fetch.';
COMMENT ON COLUMN source_health.last_attempt IS 'Last attempt.';

COMMENT ON VIEW v_claim_timeline IS 'Mentions and claims per day, firm (either side) and relation; mentions judged wrong left out.';
COMMENT ON COLUMN v_claim_timeline.day IS 'Publication day (fetch day when undated), UTC.';
COMMENT ON COLUMN v_claim_timeline.firm IS 'A firm on either side.';
COMMENT ON COLUMN v_claim_timeline.relation IS 'Relation.';
COMMENT ON COLUMN v_claim_timeline.negated IS 'Denials.';
COMMENT ON COLUMN v_claim_timeline.mentions IS 'Mentions that day.';
COMMENT ON COLUMN v_claim_timeline.claims IS 'Distinct claims that day.';

COMMENT ON VIEW v_current_reviews IS 'The latest judgement per claim or mention.';
COMMENT ON COLUMN v_current_reviews.target_kind IS 'claim or mention.';
COMMENT ON COLUMN v_current_reviews.target_id IS 'Claim or mention id.';
COMMENT ON COLUMN v_current_reviews.verdict IS 'Latest verdict.';
COMMENT ON COLUMN v_current_reviews.note IS 'Its note.';
COMMENT ON COLUMN v_current_reviews.reviewer IS 'Its reviewer.';
COMMENT ON COLUMN v_current_reviews.reviewed_at IS 'When.';
COMMENT ON COLUMN v_current_reviews.reviews IS 'Judgements of this target so far.';

COMMENT ON VIEW v_entities IS 'entities with the first article''s URL and source; names to curate first.';
COMMENT ON COLUMN v_entities.entity_id IS 'kind:name.';
COMMENT ON COLUMN v_entities.kind IS 'firm or model.';
COMMENT ON COLUMN v_entities.name IS 'Name.';
COMMENT ON COLUMN v_entities.firm IS 'Owning firm.';
COMMENT ON COLUMN v_entities.in_gazetteer IS 'Known to the gazetteer files.';
COMMENT ON COLUMN v_entities.first_seen_at IS 'First seen.';
COMMENT ON COLUMN v_entities.first_article_id IS 'First article.';
COMMENT ON COLUMN v_entities.mention_count IS 'Claim mentions naming it.';
COMMENT ON COLUMN v_entities.created_at IS 'When the warehouse first held it.';
COMMENT ON COLUMN v_entities.first_url IS 'URL of the first article.';
COMMENT ON COLUMN v_entities.first_source IS 'Source of the first article.';

COMMENT ON VIEW v_fetch_failures IS 'Failed fetches per source and reason.';
COMMENT ON COLUMN v_fetch_failures.source IS 'Source name.';
COMMENT ON COLUMN v_fetch_failures.error IS 'Failure reason.';
COMMENT ON COLUMN v_fetch_failures.failures IS 'How many.';
COMMENT ON COLUMN v_fetch_failures.last_seen IS 'Latest.';

COMMENT ON VIEW v_parity_claims IS 'Parity and surpass claims that are not denials and not suppressed, with their first source and every source.';
COMMENT ON COLUMN v_parity_claims.claim_id IS 'claims.claim_id.';
COMMENT ON COLUMN v_parity_claims.subject_org IS 'Subject''s firm.';
COMMENT ON COLUMN v_parity_claims.subject_model IS 'Subject''s model.';
COMMENT ON COLUMN v_parity_claims.subject_group IS 'Unnamed subject group.';
COMMENT ON COLUMN v_parity_claims.relation IS 'parity or surpass.';
COMMENT ON COLUMN v_parity_claims.object_org IS 'Object''s firm.';
COMMENT ON COLUMN v_parity_claims.object_model IS 'Object''s model.';
COMMENT ON COLUMN v_parity_claims.object_group IS 'Unnamed object group.';
COMMENT ON COLUMN v_parity_claims.domain IS 'Domain.';
COMMENT ON COLUMN v_parity_claims.first_seen_at IS 'First reported.';
COMMENT ON COLUMN v_parity_claims.last_seen_at IS 'Last reported.';
COMMENT ON COLUMN v_parity_claims.mention_count IS 'Mentions.';
COMMENT ON COLUMN v_parity_claims.source_count IS 'Distinct sources.';
COMMENT ON COLUMN v_parity_claims.strongest_claimant IS 'third_party > self > outlet.';
COMMENT ON COLUMN v_parity_claims.strongest_claimant_name IS 'Named claimant.';
COMMENT ON COLUMN v_parity_claims.first_source IS 'Source of the first report.';
COMMENT ON COLUMN v_parity_claims.first_url IS 'URL of the first report.';
COMMENT ON COLUMN v_parity_claims.sources IS 'Every source stating it, comma separated.';
