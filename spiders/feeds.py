"""Parse RSS/Atom feeds and XML sitemaps safely: no DTDs, no entity expansion, no network access.

Malformed documents are parsed as far as possible (lxml's recover mode); a document that declares
a DTD or entities is rejected outright, so XXE and billion-laughs payloads are never expanded.

Why not feedparser: measured on the sample site's RSS feed (timings in the stop-19 closing note),
this parser takes 0.09 ms and feedparser 1.11 ms; with 500 items 10 ms against 95 ms; both recover the same
links from a broken feed, and feedparser quietly drops a DTD entity where this one records
``xml_dtd_rejected`` in the fetch log. Continuous polling of many feeds (issue 14) pays that factor on every
poll, and sitemaps need a parser anyway.
"""

from __future__ import annotations

import gzip
import io
import re
from dataclasses import dataclass, field

from lxml import etree

MAX_XML_BYTES = 20 * 1024 * 1024
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


class XmlRejected(ValueError):
    """The document is unsafe or unusable; ``reason`` is a short code for the fetch log."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass
class Link:
    """A discovered article link with what the feed or sitemap said about it."""

    url: str
    title: str | None = None
    published: str | None = None


@dataclass
class ParsedXml:
    """Links (and, for sitemap indexes, child sitemaps) found in a feed or sitemap."""

    kind: str
    links: list[Link] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    recovered_errors: int = 0


def maybe_gunzip(body: bytes, limit: int = MAX_XML_BYTES) -> bytes:
    """Inflate a gzip body, refusing to inflate past ``limit`` bytes (gzip bombs)."""
    if not body.startswith(b"\x1f\x8b"):
        return body
    with gzip.GzipFile(fileobj=io.BytesIO(body)) as gz:
        data = gz.read(limit + 1)
    if len(data) > limit:
        raise XmlRejected("too_large", f"gzip body inflates past {limit} bytes")
    return data


def _parse(body: bytes) -> tuple[etree._Element, int]:
    body = maybe_gunzip(body)
    if len(body) > MAX_XML_BYTES:
        raise XmlRejected("too_large", f"{len(body)} bytes")
    if _DOCTYPE.search(body[:65536]):
        raise XmlRejected("xml_dtd_rejected", "document declares a DTD or entities; not expanded")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, recover=True, load_dtd=False, huge_tree=False, remove_comments=True
    )
    try:
        root = etree.fromstring(body.lstrip(), parser=parser)
    except etree.XMLSyntaxError as exc:
        raise XmlRejected("malformed_xml", str(exc)) from exc
    if root is None:
        raise XmlRejected("malformed_xml", "no parsable XML element")
    # The byte pre-check above reads the first 64 KB as ASCII-compatible text; a DOCTYPE further in, or in
    # UTF-16/32, is found here from what the parser saw (with resolve_entities=False nothing was expanded).
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or _has_entity_nodes(root):
        raise XmlRejected("xml_dtd_rejected", "document declares a DTD or entities; not expanded")
    return root, len(parser.error_log)


def _has_entity_nodes(root: etree._Element) -> bool:
    """Unexpanded entity references left in the tree (resolve_entities=False keeps them as nodes)."""
    return any(isinstance(node, etree._Entity) for node in root.iter(etree.Entity))


def _local(tag: object) -> str:
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def _text(el: etree._Element | None) -> str | None:
    if el is None or el.text is None:
        return None
    t = el.text.strip()
    return t or None


def _child(el: etree._Element, *names: str) -> etree._Element | None:
    for c in el:
        if _local(c.tag) in names:
            return c
    return None


def parse_feed(body: bytes) -> ParsedXml:
    """Extract article links from RSS 0.9x/1.0/2.0 or Atom bytes."""
    root, errors = _parse(body)
    kind = _local(root.tag)
    if kind not in ("rss", "feed", "rdf", "channel"):
        raise XmlRejected("not_a_feed", f"root element <{kind}>")
    out = ParsedXml(kind="atom" if kind == "feed" else "rss", recovered_errors=errors)
    for el in root.iter():
        name = _local(el.tag)
        if name == "item":
            link = _text(_child(el, "link")) or el.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
            if not link:
                guid = _child(el, "guid")
                if guid is not None and guid.get("isPermaLink", "true") != "false":
                    link = _text(guid)
            date = _text(_child(el, "pubdate", "date", "published", "updated"))
            if link:
                out.links.append(Link(link, _text(_child(el, "title")), date))
        elif name == "entry":
            href = None
            for c in el:
                if _local(c.tag) == "link" and c.get("rel", "alternate") == "alternate" and c.get("href"):
                    href = c.get("href")
                    break
            date = _text(_child(el, "published", "updated"))
            if href:
                out.links.append(Link(href, _text(_child(el, "title")), date))
    return out


def parse_sitemap(body: bytes) -> ParsedXml:
    """Extract page links (urlset) or child sitemaps (sitemapindex), with lastmod/news dates."""
    root, errors = _parse(body)
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise XmlRejected("not_a_sitemap", f"root element <{kind}>")
    out = ParsedXml(kind=kind, recovered_errors=errors)
    for el in root:
        loc = _text(_child(el, "loc"))
        if not loc:
            continue
        if kind == "sitemapindex":
            out.sitemaps.append(loc)
            continue
        date = _text(_child(el, "lastmod"))
        title = None
        news = _child(el, "news")
        if news is not None:
            date = _text(_child(news, "publication_date")) or date
            title = _text(_child(news, "title"))
        out.links.append(Link(loc, title, date))
    return out
