"""Pure stage functions the assets call: clean landed pages into verdicts and signed articles.

The cleaning workers also run the claim rules they are given (``ClaimRules``) on the articles. No I/O here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from extractors.cleaning import CleanedPage, clean_html, content_hash
from extractors.dedup import signature, signature_bytes
from extractors.rules import ClaimRules
from extractors.vocab import load_data
from spiders.urls import canonicalize_url
from warehouse.records import Article, ExtractionResult, PageVerdict, StoredPage
from warehouse.rows import sha1


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        d = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return d if d.tzinfo else d.replace(tzinfo=UTC)


def clean_pages(pages: Sequence[StoredPage]) -> tuple[list[PageVerdict], list[Article]]:
    """Clean landed pages; return (a verdict for every page, the articles among them).

    A page whose cleaning raises gets a verdict ``cleaning_error:<Exception>`` and is skipped, so one
    bad page never stops the batch.
    """
    verdicts: list[PageVerdict] = []
    articles: list[Article] = []
    now = datetime.now(UTC)
    for p in pages:
        body = bytes(p.body) if p.body is not None else b""
        try:
            page = clean_html(body, p.final_url, p.content_type)
        except Exception as exc:  # noqa: BLE001 - recorded as the page's verdict
            error = f"cleaning_error:{type(exc).__name__}"
            verdicts.append(PageVerdict(p.page_id, p.url, p.source, False, error, str(exc)[:200], now))
            continue
        verdicts.append(PageVerdict(p.page_id, p.url, p.source, page.is_article, page.reason, page.signal, now))
        if page.is_article:
            articles.append(_article(p, page))
    return verdicts, articles


def _article(p: StoredPage, page: CleanedPage) -> Article:
    """The article of a landed page and its cleaned text (id: the canonicalised URL it was fetched at)."""
    url = canonicalize_url(p.url)
    canonical = canonicalize_url(page.canonical_url) if page.canonical_url else canonicalize_url(p.final_url)
    return Article(
        article_id=sha1(url),
        url=url,
        canonical_url=canonical,
        source=p.source,
        text=page.text,
        content_hash=content_hash(page.text),
        fetched_at=p.fetched_at,
        published_at=_parse_date(page.date),
        title=page.title,
        author=page.author,
        language=page.language,
        sitename=page.sitename,
        is_syndicated=page.is_syndicated,
        is_amp=page.is_amp,
        page_id=p.page_id,
    )


def clean_and_sign(pages: Sequence[StoredPage]) -> tuple[list[PageVerdict], list[Article]]:
    """:func:`clean_pages`, plus each article's MinHash signature (``minhash`` bytes) for deduplication.

    Signing here, next to cleaning, lets worker processes do it; the single writer only compares.
    """
    verdicts, articles = clean_pages(pages)
    for a in articles:
        a.minhash = signature_bytes(signature(a.text or ""))
    return verdicts, articles


def clean_sign_extract(
    pages: Sequence[StoredPage], rules: ClaimRules
) -> tuple[list[PageVerdict], list[Article], list[ExtractionResult]]:
    """:func:`clean_and_sign`, plus ``rules.extract_alone`` on the articles: everything a cleaning worker does.

    Returns (verdicts, articles, extraction results). The results are staged for the ``claim_mentions`` asset,
    which keeps those of kept articles and puts them in order with ``rules.confirm_in_order``.
    """
    verdicts, articles = clean_and_sign(pages)
    results = rules.extract_alone(articles)
    for a, r in zip(articles, results, strict=True):
        r.content_hash = a.content_hash  # the text read; a re-landed URL may keep its older stored text
    return verdicts, articles, results


def gazetteer_firm_names() -> list[str]:
    """Canonical names of every firm in the gazetteer."""
    return [f["name"] for f in load_data("firms.yaml")["firms"]]
