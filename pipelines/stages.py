"""Pure stage functions the assets call: clean landed pages, extract claim mentions. No I/O here."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from extractors.claims import Claim, ClaimExtractor, default_extractor
from extractors.cleaning import CleanedPage, clean_html, content_hash
from extractors.dedup import signature, signature_bytes
from extractors.discovery import Discovered
from extractors.vocab import load_data
from spiders.urls import canonicalize_url
from warehouse.rows import sha1

RULES_CODE_VERSION = "3"  # bumped when the rules code changes (data files are hashed)


def extractor_version() -> str:
    """Version of the claim rules: the code version plus a hash of every vocabulary data file."""
    h = hashlib.sha1(RULES_CODE_VERSION.encode())
    root = resources.files("extractors.data")
    for p in sorted(root.iterdir(), key=lambda x: x.name):
        if p.name.endswith(".yaml"):
            h.update(p.name.encode())
            h.update(p.read_bytes())
    return f"{RULES_CODE_VERSION}-{h.hexdigest()[:12]}"


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        d = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return d if d.tzinfo else d.replace(tzinfo=UTC)


def clean_pages(pages: Sequence[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Clean landed pages; return (verdict rows for every page, article rows for the articles among them).

    A page whose cleaning raises gets a verdict ``cleaning_error:<Exception>`` and is skipped, so one
    bad page never stops the batch.
    """
    verdicts: list[dict[str, Any]] = []
    articles: list[dict[str, Any]] = []
    now = datetime.now(UTC)
    for p in pages:
        body = p["body"]
        try:
            page = clean_html(bytes(body) if body is not None else b"", p["final_url"], p.get("content_type"))
        except Exception as exc:  # noqa: BLE001 - recorded as the page's verdict
            verdicts.append(_verdict(p, False, f"cleaning_error:{type(exc).__name__}", str(exc)[:200], now))
            continue
        verdicts.append(_verdict(p, page.is_article, page.reason, page.signal, now))
        if page.is_article:
            articles.append(_article_row(p, page))
    return verdicts, articles


def _verdict(
    p: dict[str, Any], is_article: bool, reason: str | None, signal: str | None, now: datetime
) -> dict[str, Any]:
    """A ``page_verdicts`` row: is the landed page an article, and why."""
    return {
        "page_id": p["page_id"],
        "url": p["url"],
        "source": p["source"],
        "is_article": is_article,
        "reason": reason,
        "signal": signal,
        "judged_at": now,
    }


def _article_row(p: dict[str, Any], page: CleanedPage) -> dict[str, Any]:
    """An ``articles`` row from a landed page and its cleaned text (id: the canonicalised URL it was fetched at)."""
    url = canonicalize_url(p["url"])
    canonical = canonicalize_url(page.canonical_url) if page.canonical_url else canonicalize_url(p["final_url"])
    return {
        "article_id": sha1(url),
        "url": url,
        "canonical_url": canonical,
        "source": p["source"],
        "title": page.title,
        "author": page.author,
        "published_at": _parse_date(page.date),
        "fetched_at": p["fetched_at"],
        "language": page.language,
        "sitename": page.sitename,
        "text": page.text,
        "content_hash": content_hash(page.text),
        "is_syndicated": page.is_syndicated,
        "is_amp": page.is_amp,
        "page_id": p["page_id"],
    }


def clean_and_sign(pages: Sequence[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """:func:`clean_pages`, plus each article's MinHash signature (``minhash`` bytes) for deduplication.

    Signing here, next to cleaning, lets worker processes do it; the single writer only compares.
    """
    verdicts, articles = clean_pages(pages)
    for a in articles:
        a["minhash"] = signature_bytes(signature(a["text"] or ""))
    return verdicts, articles


def _mention_rows(claims: Sequence[Claim]) -> list[dict[str, Any]]:
    rows = []
    for c in claims:
        row = c.to_dict()
        row["claim_id"] = c.claim_id
        row["mention_id"] = sha1(c.article_id, c.start_char, c.end_char, c.claim_id)
        rows.append(row)
    return rows


def extract_mentions(
    articles: Sequence[dict[str, Any]], extractor: ClaimExtractor | None = None
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Run the claim rules on articles; return (mention rows, {article_id: error} for articles that raised).

    One extractor reads them in order: names an article introduces are known to the articles after it.

    The pipeline gets the same result from :func:`extract_alone` (any order, any process) followed by
    :func:`confirm_in_order`.
    """
    x = extractor or default_extractor()
    mentions: list[dict[str, Any]] = []
    errors: dict[str, str] = {}
    for a in articles:
        try:
            claims = x.extract(a["article_id"], a["text"] or "", a.get("title"))
        except Exception as exc:  # noqa: BLE001 - recorded per article
            errors[a["article_id"]] = _error(exc)
            continue
        mentions += _mention_rows(claims)
    return mentions, errors


def _error(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def _extract_one(x: ClaimExtractor, article: dict[str, Any]) -> dict[str, Any]:
    """One article's extraction result: mention rows, the names it introduced, or the error it raised."""
    try:
        claims, introduced = x.extract_alone(article["article_id"], article["text"] or "", article.get("title"))
    except Exception as exc:  # noqa: BLE001 - recorded per article
        return {"article_id": article["article_id"], "mentions": [], "introduced": [], "error": _error(exc)}
    return {
        "article_id": article["article_id"],
        "mentions": _mention_rows(claims),
        "introduced": [[d.name, d.label, d.firm] for d in introduced.values()],
        "error": None,
    }


def extract_alone(articles: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each article's extraction result (see ``ClaimExtractor.extract_alone``), by the process-wide extractor.

    Seed the extractor first (:func:`seeded_extractor`); worker processes forked afterwards inherit it.
    """
    x = default_extractor()
    return [_extract_one(x, a) for a in articles]


def clean_sign_extract(
    pages: Sequence[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """:func:`clean_and_sign`, plus :func:`extract_alone` on the articles: everything a cleaning worker does.

    Returns (verdicts, articles, extraction results). The results are staged for the ``claim_mentions`` asset,
    which keeps those of kept articles and puts them in order with :func:`confirm_in_order`.
    """
    verdicts, articles = clean_and_sign(pages)
    results = extract_alone(articles)
    for a, r in zip(articles, results, strict=True):
        r["content_hash"] = a["content_hash"]  # the text read; a re-landed URL may keep its older stored text
    return verdicts, articles, results


def confirm_in_order(
    articles: Sequence[dict[str, Any]], results: dict[str, dict[str, Any]], extractor: ClaimExtractor
) -> tuple[list[dict[str, Any]], dict[str, str], int]:
    """Turn per-article results into what one extractor reading ``articles`` in this order would find.

    A result computed alone can only differ from the in-order one when the article's text contains a name that
    an earlier article introduced; such an article is extracted again here, knowing those names. Articles
    without a result are extracted here too. Returns (mention rows, {article_id: error}, articles re-extracted).
    """
    earlier: dict[str, Discovered] = {}  # names introduced by the articles confirmed so far
    pattern: re.Pattern[str] | None = None
    mentions: list[dict[str, Any]] = []
    errors: dict[str, str] = {}
    redone = 0
    seed = extractor.discovered
    for a in articles:
        result = results.get(a["article_id"])
        if result is None or (pattern is not None and pattern.search(a["text"] or "")):
            extractor.discovered = {**seed, **earlier}
            try:
                result = _extract_one(extractor, a)
            finally:
                extractor.discovered = seed
            redone += 1
        if result["error"]:
            errors[a["article_id"]] = result["error"]
            continue
        mentions += result["mentions"]
        fresh = [n for n in result["introduced"] if n[0] not in earlier and n[0] not in seed]
        if fresh:
            earlier.update({name: Discovered(name, label, firm) for name, label, firm in fresh})
            pattern = re.compile("|".join(re.escape(n) for n in sorted(earlier, key=len, reverse=True)))
    return mentions, errors, redone


def gazetteer_firm_names() -> list[str]:
    """Canonical names of every firm in the gazetteer."""
    return [f["name"] for f in load_data("firms.yaml")["firms"]]


def seeded_extractor(discovered: Sequence[tuple[str, str, str | None]]) -> ClaimExtractor:
    """The process-wide extractor, knowing exactly the firms and models discovered in earlier runs."""
    x = default_extractor()
    known: dict[str, Discovered] = {}
    for kind, name, firm in discovered:
        known.setdefault(name, Discovered(name, "FIRM" if kind == "firm" else "MODEL", firm))
    x.discovered = known
    return x


def seed_key(discovered: Sequence[tuple[str, str, str | None]]) -> str:
    """Fingerprint of a seed list: staged extraction results are only used with the seed they were made with."""
    return hashlib.sha1(json.dumps([list(d) for d in discovered]).encode()).hexdigest()[:16]
