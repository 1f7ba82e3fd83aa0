"""What a page says about itself: the positive evidence that it is (or is not) a news article.

Real news pages declare what they are in machine-readable form: schema.org JSON-LD (``NewsArticle``,
``BlogPosting``, ...), Open Graph ``og:type=article`` with a publication time, a dated byline, or an
``<article>`` element holding the story's paragraphs. Listing pages declare themselves too
(``CollectionPage``, ``SearchResultsPage``, ``ProfilePage``). This module only reads those declarations;
:func:`extractors.cleaning.clean_html` decides with them first and falls back to text heuristics (link
share, line length) only for pages that declare nothing. The type vocabulary lives in
``extractors/data/page_markers.yaml``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cached_property
from typing import Any

import lxml.html

from extractors.vocab import load_data

# A JSON-LD block that does not parse as JSON (trailing commas, HTML entities, several objects pasted
# together) still names its types; the regex reads "@type" values from such blocks.
_LD_TYPE = re.compile(r'"@type"\s*:\s*(\[[^\]]*\]|"[^"]*")')
_BYLINE_XPATH = (
    ".//*[contains(@class,'byline') or contains(@class,'author') or @rel='author' or @itemprop='author'"
    " or contains(@id,'byline')]"
)


class PageEvidence:
    """Declarations found in one page's markup, each read only when a verdict needs it.

    Most pages are decided by their JSON-LD or Open Graph tags; the byline and <article> scans cost more.
    """

    def __init__(self, tree: lxml.html.HtmlElement, has_published_time: bool) -> None:
        self.tree = tree
        self.has_published_time = has_published_time
        self.markers = load_data("page_markers.yaml")

    @cached_property
    def jsonld_types(self) -> list[str]:
        """Types of the page's own JSON-LD nodes (top level, @graph members, mainEntity)."""
        return jsonld_types(self.tree)

    @cached_property
    def og_type(self) -> str | None:
        """The page's og:type, if any."""
        og = self.tree.xpath("//meta[@property='og:type']/@content")
        return og[0].strip() if og else None

    @cached_property
    def dated_byline(self) -> bool:
        """An author element with a machine-readable date next to it (and not one per teaser)."""
        return _dated_byline(self.tree, self.markers["byline_max_dates"])

    @cached_property
    def article_paragraphs(self) -> int:
        """Long paragraphs in the richest <article> element."""
        return _article_paragraphs(self.tree, self.markers["min_paragraph_chars"])

    def article_signal(self) -> str | None:
        """The strongest declaration that the page is an article, or None when it declares none."""
        article_types = {t.lower() for t in self.markers["article_jsonld_types"]}
        for t in self.jsonld_types:
            if t.lower() in article_types:
                return f"jsonld:{t}"
        if (self.og_type or "").lower() == "article" and self.has_published_time:
            return "og:article+published_time"
        if self.dated_byline:
            return "dated_byline"
        if self.article_paragraphs >= self.markers["article_element_min_paragraphs"]:
            return f"article_element:{self.article_paragraphs}p"
        return None

    def listing_signal(self) -> tuple[str, str] | None:
        """(reason, signal) when the page declares itself a listing, profile or media page, else None."""
        listing = {t.lower(): reason for t, reason in self.markers["listing_jsonld_types"].items()}
        for t in self.jsonld_types:
            if t.lower() in listing:
                return listing[t.lower()], f"jsonld:{t}"
        og = (self.og_type or "").lower()
        for prefix, reason in self.markers["listing_og_types"].items():
            if og.startswith(prefix):
                return reason, f"og:{og}"
        return None


def _type_names(value: Any) -> list[str]:
    """``@type`` may be a string, a list of strings, or a full IRI ("http://schema.org/NewsArticle")."""
    values = value if isinstance(value, list) else [value]
    return [v.rstrip("/").rsplit("/", 1)[-1] for v in values if isinstance(v, str) and v]


def _top_level_nodes(data: Any) -> Iterator[dict[str, Any]]:
    """The nodes a JSON-LD block describes the page with.

    The object(s) themselves, @graph members, and a WebPage's mainEntity. Nested values (an ItemList's
    elements, an author) are not the page.
    """
    items = data if isinstance(data, list) else [data]
    for item in items:
        if not isinstance(item, dict):
            continue
        graph = item.get("@graph")
        nodes = graph if isinstance(graph, list) else [item]
        for node in nodes:
            if not isinstance(node, dict):
                continue
            yield node
            main = node.get("mainEntity") or node.get("mainEntityOfPage")
            if isinstance(main, dict) and "@type" in main:
                yield main


def jsonld_types(tree: lxml.html.HtmlElement) -> list[str]:
    """The schema.org types a page declares for itself in its JSON-LD blocks, in document order."""
    types: list[str] = []
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        try:
            data = json.loads(script)
        except ValueError:
            for m in _LD_TYPE.finditer(script):
                raw = m.group(1)
                types += re.findall(r'"([^"]+)"', raw)
            continue
        for node in _top_level_nodes(data):
            types += _type_names(node.get("@type"))
    return types


def _dated_byline(tree: lxml.html.HtmlElement, max_dates: int) -> bool:
    """A byline: an author element with a machine-readable date beside it (in it, its parent or grandparent).

    A page whose bylines carry more than ``max_dates`` distinct dates is a list of stories (home, section
    and author pages give every teaser a dated byline), so it does not count.
    """
    dates: set[lxml.html.HtmlElement] = set()
    for el in tree.xpath(_BYLINE_XPATH)[:50]:
        scope = el
        for _ in range(3):
            if scope is None:
                break
            found = scope.xpath(".//time[@datetime]")
            if found:
                dates.update(found)
                break
            scope = scope.getparent()
        if len(dates) > max_dates:
            return False
    return bool(dates)


def _article_paragraphs(tree: lxml.html.HtmlElement, min_chars: int) -> int:
    """Paragraphs of at least ``min_chars`` characters in the <article> element that has the most of them."""
    best = 0
    for art in tree.iter("article"):
        n = sum(1 for p in art.iter("p") if len(p.text_content().strip()) >= min_chars)
        best = max(best, n)
    return best
