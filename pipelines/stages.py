"""Pure stage functions the assets call: clean landed pages, extract claim mentions. No I/O here."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from extractors.claims import ClaimExtractor, default_extractor
from extractors.cleaning import clean_html, content_hash
from extractors.dedup import signature, signature_bytes
from extractors.discovery import Discovered
from extractors.vocab import load_data
from spiders.urls import canonicalize_url
from warehouse.load import sha1

RULES_CODE_VERSION = "1"


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
            verdicts.append(
                {
                    "page_id": p["page_id"],
                    "url": p["url"],
                    "source": p["source"],
                    "is_article": False,
                    "reason": f"cleaning_error:{type(exc).__name__}",
                    "judged_at": now,
                }
            )
            continue
        verdicts.append(
            {
                "page_id": p["page_id"],
                "url": p["url"],
                "source": p["source"],
                "is_article": page.is_article,
                "reason": page.reason,
                "judged_at": now,
            }
        )
        if not page.is_article:
            continue
        url = canonicalize_url(p["url"])
        canonical = canonicalize_url(page.canonical_url) if page.canonical_url else canonicalize_url(p["final_url"])
        articles.append(
            {
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
        )
    return verdicts, articles


def clean_and_sign(pages: Sequence[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """:func:`clean_pages`, plus each article's MinHash signature (``minhash`` bytes) for deduplication.

    Signing here, next to cleaning, lets worker processes do it; the single writer only compares.
    """
    verdicts, articles = clean_pages(pages)
    for a in articles:
        a["minhash"] = signature_bytes(signature(a["text"] or ""))
    return verdicts, articles


def extract_mentions(
    articles: Sequence[dict[str, Any]], extractor: ClaimExtractor | None = None
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Run the claim rules on articles; return (mention rows, {article_id: error} for articles that raised)."""
    x = extractor or default_extractor()
    mentions: list[dict[str, Any]] = []
    errors: dict[str, str] = {}
    for a in articles:
        try:
            claims = x.extract(a["article_id"], a["text"] or "")
        except Exception as exc:  # noqa: BLE001 - recorded per article
            errors[a["article_id"]] = f"{type(exc).__name__}: {exc}"[:500]
            continue
        for c in claims:
            row = c.to_dict()
            row["claim_id"] = c.claim_id
            row["mention_id"] = sha1(c.article_id, c.start_char, c.end_char, c.claim_id)
            mentions.append(row)
    return mentions, errors


def gazetteer_firm_names() -> list[str]:
    """Canonical names of every firm in the gazetteer."""
    return [f["name"] for f in load_data("firms.yaml")["firms"]]


def seeded_extractor(discovered: Sequence[tuple[str, str, str | None]]) -> ClaimExtractor:
    """The process-wide extractor, told about firms and models discovered in earlier runs."""
    x = default_extractor()
    for kind, name, firm in discovered:
        if name not in x.discovered:
            x.discovered[name] = Discovered(name, "FIRM" if kind == "firm" else "MODEL", firm)
    return x
