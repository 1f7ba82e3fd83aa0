"""Article recognition: declarations first (JSON-LD, og:type, bylines, <article>), heuristics only without them."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest
import yaml

from extractors.cleaning import clean_html
from extractors.page_evidence import PageEvidence, jsonld_types

PAGES = Path(__file__).parent / "fixtures" / "pages"
EXPECTED = yaml.safe_load((PAGES / "verdicts.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_fixture_page_gets_its_labelled_verdict_and_signal(name: str) -> None:
    page = clean_html((PAGES / name).read_bytes(), url=f"https://courier.example/{name}")
    want = EXPECTED[name]
    assert (page.reason, page.is_article) == (want["reason"], want["reason"] == "article")
    assert page.signal.startswith(want["signal"]), page.signal


def test_every_fixture_page_is_labelled() -> None:
    assert {p.name for p in PAGES.glob("*.html")} == set(EXPECTED)


def test_short_link_heavy_articles_are_kept_only_because_of_their_declarations() -> None:
    """The same story on the same template: rejected by link share without a declaration, kept with one."""
    bare = clean_html((PAGES / "short_article_no_declaration.html").read_bytes())
    declared = clean_html((PAGES / "short_article_jsonld.html").read_bytes())
    assert bare.text == declared.text
    share = float(bare.signal.split("=")[1])
    assert share > 0.5 and not bare.is_article
    assert declared.is_article


def _tree(ld: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(f"<html><head><script type='application/ld+json'>{ld}</script></head></html>")


@pytest.mark.parametrize(
    ("ld", "types"),
    [
        ('{"@type": "NewsArticle"}', ["NewsArticle"]),
        ('{"@type": ["Article", "NewsArticle"]}', ["Article", "NewsArticle"]),
        ('{"@type": "http://schema.org/BlogPosting"}', ["BlogPosting"]),
        ('{"@graph": [{"@type": "WebPage"}, {"@type": "ReportageNewsArticle"}]}', ["WebPage", "ReportageNewsArticle"]),
        ('[{"@type": "Organization"}, {"@type": "NewsArticle"}]', ["Organization", "NewsArticle"]),
        ('{"@type": "WebPage", "mainEntity": {"@type": "Article"}}', ["WebPage", "Article"]),
        # a listing's items are not the page: an ItemList of NewsArticles is a list
        ('{"@type": "ItemList", "itemListElement": [{"@type": "NewsArticle"}]}', ["ItemList"]),
        # invalid JSON (trailing comma) still names its types
        ('{"@type": "NewsArticle", "headline": "x",}', ["NewsArticle"]),
    ],
)
def test_jsonld_types_reads_the_page_nodes_only(ld: str, types: list[str]) -> None:
    assert jsonld_types(_tree(ld)) == types


def test_a_page_of_many_dated_bylines_is_not_one_article() -> None:
    teaser = "<div class='byline'>By A <time datetime='2026-11-0{}T00:00:00Z'>x</time></div>"
    one = lxml.html.document_fromstring("<html><body>" + teaser.format(1) + "</body></html>")
    teasers = "".join(teaser.format(i) for i in range(1, 6))
    many = lxml.html.document_fromstring("<html><body>" + teasers + "</body></html>")
    assert PageEvidence(one, has_published_time=False).dated_byline
    assert not PageEvidence(many, has_published_time=False).dated_byline


def test_og_article_without_a_publication_time_is_not_enough() -> None:
    tree = lxml.html.document_fromstring("<html><head><meta property='og:type' content='article'></head></html>")
    assert PageEvidence(tree, has_published_time=False).article_signal() is None
    assert PageEvidence(tree, has_published_time=True).article_signal() == "og:article+published_time"
