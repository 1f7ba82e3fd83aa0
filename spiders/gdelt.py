"""Keyword discovery through the GDELT DOC 2.0 API: watched terms in, article URLs out."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from extractors.vocab import load_data
from spiders.feeds import Link

MIN_TERM_CHARS = 3  # GDELT ignores or rejects very short keywords


def watched_terms(phrases: list[str], gazetteer_terms: bool) -> list[str]:
    """Configured phrases plus (optionally) every firm name and model family from the gazetteer, deduplicated."""
    terms = list(phrases)
    if gazetteer_terms:
        terms += [f["name"] for f in load_data("firms.yaml")["firms"] if f.get("kind") == "ai_developer"]
        terms += [str(m["family"]) for m in load_data("models.yaml")["families"]]
    seen: set[str] = set()
    out = []
    for t in terms:
        key = t.lower()
        if len(t) >= MIN_TERM_CHARS and key not in seen:
            seen.add(key)
            out.append(t)
    return out


def query_urls(options: dict[str, Any]) -> Iterator[str]:
    """One artlist query URL per chunk of terms (OR-ed, multi-word terms quoted)."""
    terms = watched_terms(options["phrases"], options["gazetteer_terms"])
    size = max(1, int(options["terms_per_query"]))
    for i in range(0, len(terms), size):
        chunk = [f'"{t}"' if " " in t else t for t in terms[i : i + size]]
        query = chunk[0] if len(chunk) == 1 else "(" + " OR ".join(chunk) + ")"
        params = {
            "query": query,
            "mode": "artlist",
            "format": "json",
            "maxrecords": int(options["max_records"]),
            "timespan": options["timespan"],
            "sort": "datedesc",
        }
        yield f"{options['endpoint']}?{urlencode(params)}"


def parse_artlist(body: bytes) -> list[Link]:
    """Article links from an artlist JSON answer; raises ValueError on anything else."""
    data = json.loads(body.decode("utf-8", errors="replace") or "{}")
    if not isinstance(data, dict):
        raise ValueError("artlist answer is not a JSON object")
    links = []
    for art in data.get("articles") or []:
        url = art.get("url") if isinstance(art, dict) else None
        if not url:
            continue
        seen = art.get("seendate")
        when = None
        if seen:
            try:
                when = datetime.strptime(seen, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).isoformat()
            except ValueError:
                when = None
        links.append(Link(url, art.get("title"), when))
    return links
