"""Turn a fetched HTML page into article text plus metadata, or say why it is not an article."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin

import lxml.html
import trafilatura

from extractors.language import is_chinese
from extractors.page_evidence import PageEvidence
from extractors.text_normalization import replace_controls
from extractors.vocab import load_data

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_WORD = re.compile(r"[a-z']+")


@dataclass
class CleanedPage:
    """The outcome of cleaning one page."""

    is_article: bool
    reason: str
    title: str | None = None
    author: str | None = None
    date: str | None = None
    sitename: str | None = None
    language: str | None = None
    text: str = ""
    canonical_url: str | None = None
    is_amp: bool = False
    is_syndicated: bool = False
    signal: str = ""  # what decided the verdict: a declaration ("jsonld:NewsArticle") or a measured heuristic

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        return asdict(self)


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode bytes using the charset from the header, then the meta tag, then UTF-8, then windows-1252."""
    candidates: list[str] = []
    if content_type and (m := _HEADER_CHARSET.search(content_type)):
        candidates.append(m.group(1))
    if meta := _META_CHARSET.search(body[:4096]):
        candidates.append(meta.group(1).decode("ascii", "ignore"))
    candidates += ["utf-8", "cp1252"]
    for enc in candidates:
        try:
            return body.decode(enc)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("utf-8", errors="replace")


def looks_binary(body: bytes, content_type: str | None) -> bool:
    """True for bodies that are not HTML text: NUL bytes, or a non-text content type."""
    if content_type:
        ct = content_type.split(";", 1)[0].strip().lower()
        if ct and not (ct.startswith("text/") or "html" in ct or "xml" in ct):
            return True
    sample = body[:2048]
    return b"\x00" in sample


def normalize_for_hash(text: str) -> str:
    """Lower-case, strip accents and punctuation, collapse whitespace: the text an exact-duplicate hash sees.

    Letters of every script are kept (an ASCII-only normalisation turned every Chinese article into the
    empty string, so all of them hashed alike); only accents (combining marks) and punctuation go.
    """
    t = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()
    t = re.sub(r"[^\w\s]|_", " ", t)
    return re.sub(r"\s+", " ", t).strip()


def strip_syndication_notes(text: str) -> str:
    """Drop lines that only announce a republication ("first appeared on a partner site...")."""
    markers = load_data("page_markers.yaml")["syndication"]
    keep = [ln for ln in text.split("\n") if not (len(ln) < 300 and any(m in ln.lower() for m in markers))]
    return "\n".join(keep)


def content_hash(text: str) -> str:
    """Hash of the normalised article text without syndication notes."""
    return hashlib.sha1(normalize_for_hash(strip_syndication_notes(text)).encode()).hexdigest()


@lru_cache(maxsize=1)
def _language_identifier() -> Any:
    """py3langid's bundled model (no download), loaded once per process (~0.7 s), normalised probabilities."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def load_language_model() -> None:
    """Load the language model now (before a worker pool forks, so the workers share it)."""
    _language_identifier()


def detect_language(text: str, declared: str | None) -> str | None:
    """The page's declared language (html lang / meta), else Chinese by its characters, else py3langid's guess.

    py3langid (0.2 ms an article once loaded) names any language, where counting English function words could
    only tell English from "unknown"; a guess under 0.5 probability, or on under 20 words, is None.
    """
    if declared:
        return declared.split("-")[0].split("_")[0].lower() or None
    if is_chinese(text):
        return "zh"
    sample = text[:5000]
    if len(_WORD.findall(sample.lower())) < 20:
        return None
    lang, probability = _language_identifier().classify(sample)
    return str(lang) if probability >= 0.5 else None


def _is_consent_wall(head: str, text: str, markers: dict[str, Any]) -> bool:
    """A consent/cookie wall: its headline says so, or a short text is mostly consent language."""
    if len(text) >= markers["max_consent_wall_chars"]:
        return False
    if _contains_any(head, markers["consent_wall"]):
        return True
    low = text.lower()
    return sum(p in low for p in markers["consent_wall"]) >= 2


def _contains_any(text: str, phrases: list[str]) -> bool:
    return _first_phrase(text, phrases) is not None


def _link_text_share(tree: lxml.html.HtmlElement) -> float:
    body = tree.find("body")
    if body is None:
        return 0.0
    for bad in body.xpath(".//script|.//style|.//noscript"):
        bad.drop_tree()
    total = len(" ".join(body.text_content().split()))
    if total == 0:
        return 0.0
    linked = sum(len(" ".join(a.text_content().split())) for a in body.iter("a"))
    return linked / total


# meta tags live in <head>: searched there first, the whole document only when the head has none
_HEAD_DATE_XPATH = (
    "meta[@property='article:published_time' or @name='article:published_time' or @itemprop='datePublished']/@content"
)
_LD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')


def published_timestamp(tree: lxml.html.HtmlElement) -> str | None:
    """Full publication timestamp from article meta tags or JSON-LD, when the page gives one."""
    head = tree.find("head")
    scopes = [head] if head is not None else []
    for scope in [*scopes, tree]:
        for value in scope.xpath(".//" + _HEAD_DATE_XPATH):
            if value.strip():
                return value.strip()
        for script in scope.xpath(".//script[@type='application/ld+json']/text()"):
            if m := _LD_DATE.search(script):
                return m.group(1)
    for value in tree.xpath("//time[@itemprop='datePublished']/@datetime"):
        if value.strip():
            return value.strip()
    return None


def _head_info(tree: lxml.html.HtmlElement, url: str | None) -> tuple[str | None, bool, str | None]:
    canonical = None
    for href in tree.xpath("//link[translate(@rel,'CANONICAL','canonical')='canonical']/@href"):
        canonical = href.strip()
        break
    if canonical is None:
        for content in tree.xpath("//meta[@property='og:url']/@content"):
            canonical = content.strip()
            break
    if canonical and url:
        canonical = urljoin(url, canonical)
    html_el = tree if tree.tag == "html" else tree.find(".//html")
    attrs = html_el.attrib if html_el is not None else {}
    is_amp = "amp" in attrs or "\u26a1" in attrs
    lang = attrs.get("lang") or next(iter(tree.xpath("//meta[@http-equiv='content-language']/@content")), None)
    return canonical, is_amp, lang


def clean_html(body: bytes | str, url: str | None = None, content_type: str | None = None) -> CleanedPage:
    """Clean one page: decode, extract main text and metadata with trafilatura, judge article-ness."""
    markers = load_data("page_markers.yaml")
    if isinstance(body, bytes):
        if not body.strip():
            return CleanedPage(False, "empty_body")
        if looks_binary(body, content_type):
            return CleanedPage(False, "not_html")
        html = decode_html(body, content_type)
    else:
        html = body
    html = replace_controls(html)  # one ESC or BEL would make lxml drop the tree, and the article text with it
    if not html.strip():
        return CleanedPage(False, "empty_body")
    try:
        tree = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return CleanedPage(False, "unparsable_html")
    canonical, is_amp, declared_lang = _head_info(tree, url)
    published = published_timestamp(tree)
    # read lazily, after extraction too: trafilatura (2.3) works on a copy of the tree it is handed
    evidence = PageEvidence(tree, has_published_time=published is not None)
    head = " ".join(filter(None, [tree.findtext(".//title"), tree.findtext(".//h1")]))
    # Settings chosen by measurement on the 181-page benchmark (benchmarks/results.md): fast=True skips the
    # fallback extractors (1.5x faster than trafilatura.extract, F1 0.962 vs 0.957 with fallbacks).
    # deduplicate=False: trafilatura's dedup keeps a process-wide cache of seen segments, so in a long-lived
    # process the second copy of a story (AMP, syndicated, re-ingested) would lose its paragraphs.
    # The parsed tree is handed over, so the page is parsed once.
    doc = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        deduplicate=False,
        fast=True,
    )
    meta: dict[str, Any] = doc.as_dict() if doc is not None and hasattr(doc, "as_dict") else (doc or {})
    text = (meta.get("text") or "").strip()
    title = meta.get("title")
    page = CleanedPage(
        is_article=False,
        reason="",
        title=title,
        author=meta.get("author"),
        date=published or meta.get("date"),
        sitename=meta.get("sitename"),
        language=detect_language(text, declared_lang),
        text=text,
        canonical_url=canonical,
        is_amp=is_amp,
        is_syndicated=_contains_any(text[-1500:] + " " + text[:600], markers["syndication"]),
    )
    head = " ".join(filter(None, [title, head]))
    page.reason, page.signal = _verdict(html, head, text, evidence, markers)
    page.is_article = page.reason == "article"
    return page


def _first_phrase(text: str, phrases: list[str]) -> str | None:
    t = text.lower()
    return next((p for p in phrases if p in t), None)


def _verdict(html: str, head: str, text: str, evidence: PageEvidence, markers: dict[str, Any]) -> tuple[str, str]:
    """(reason, signal) for a cleaned page.

    Order: what the page's content says it is (a soft 404, a consent wall), what its markup declares
    (a listing type; an article type, og:type=article with a publication time, a dated byline, an <article>
    with paragraphs), and only for pages that declare nothing, text heuristics (title words, link share,
    longest line). Measured on the 181 real pages of the extraction benchmark, declarations decide 164; the
    heuristics had rejected 17 of those (short articles on link-heavy templates).
    """
    if (phrase := _first_phrase(head, markers["soft_404"])) and len(text) < 3 * markers["min_article_chars"]:
        return "soft_404", f"title:{phrase}"
    if _is_consent_wall(head, text, markers):
        return "consent_wall", "consent_language"
    too_short = ("too_short", f"text_chars={len(text)}")
    if (article_signal := evidence.article_signal()) is not None:
        return too_short if len(text) < markers["min_article_chars"] else ("article", article_signal)
    if listing := evidence.listing_signal():
        return listing
    if phrase := _first_phrase(head, markers["index_page_title"]):
        return "index_page", f"title:{phrase}"
    # index pages extract to little text; only then is the (costly) link share worth measuring
    if len(text) < markers["link_share_max_text_chars"]:
        share = _link_text_share(lxml.html.document_fromstring(html))
        if share > markers["max_link_text_share"]:
            return "index_page", f"link_share={share:.2f}"
    if len(text) < markers["min_article_chars"]:
        return too_short
    longest = max((len(line) for line in text.splitlines()), default=0)
    if longest < markers["min_paragraph_chars"]:
        return "index_page", f"longest_line={longest}"  # a list of links or headlines: no line reads like a paragraph
    return "article", "no_declaration:text_heuristics"
