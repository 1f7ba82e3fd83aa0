from __future__ import annotations

import gzip

import pytest

from spiders.feeds import XmlRejected, maybe_gunzip, parse_feed, parse_sitemap

RSS2 = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>One</title><link>https://n.example/1</link><pubDate>Tue, 01 Sep 2026 10:00:00 GMT</pubDate></item>
<item><title>Two</title><guid>https://n.example/2</guid></item>
<item><title>No link</title><guid isPermaLink="false">abc</guid></item></channel></rss>"""
ATOM = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
<entry><title>A</title><link rel="alternate" href="https://n.example/a"/><link rel="enclosure" href="https://n.example/a.mp3"/>
<published>2026-09-01T00:00:00Z</published></entry></feed>"""
RSS1 = b"""<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="https://n.example/"><title>t</title></channel>
<item rdf:about="https://n.example/r1"><title>R1</title><link>https://n.example/r1</link></item></rdf:RDF>"""


def test_rss2_atom_and_rss1_links():
    assert [(link.url, link.title) for link in parse_feed(RSS2).links] == [
        ("https://n.example/1", "One"),
        ("https://n.example/2", "Two"),
    ]
    atom = parse_feed(ATOM)
    assert atom.kind == "atom" and [link.url for link in atom.links] == ["https://n.example/a"]
    assert atom.links[0].published == "2026-09-01T00:00:00Z"
    assert [link.url for link in parse_feed(RSS1).links] == ["https://n.example/r1"]


def test_malformed_feed_is_parsed_as_far_as_possible():
    broken = (
        b"<?xml version='1.0'?><rss version='2.0'><channel><title>bad</title><item><title>ok</title>"
        b"<link>https://n.example/ok</link></item><item><title>broken & unescaped <b></title><link>"
    )
    parsed = parse_feed(broken)
    assert [link.url for link in parsed.links] == ["https://n.example/ok"]
    assert parsed.recovered_errors > 0


@pytest.mark.parametrize(
    "body",
    [
        b"<?xml version='1.0'?><!DOCTYPE r [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><rss version='2.0'><channel>"
        b"<title>&x;</title></channel></rss>",
        b"<?xml version='1.0'?><!DOCTYPE r [<!ENTITY l0 'lol'><!ENTITY l1 '&l0;&l0;&l0;&l0;'>]><rss><channel>"
        b"<title>&l1;</title></channel></rss>",
    ],
)
def test_dtd_and_entities_are_rejected_unexpanded(body):
    with pytest.raises(XmlRejected) as e:
        parse_feed(body)
    assert e.value.reason == "xml_dtd_rejected"


def test_not_a_feed():
    with pytest.raises(XmlRejected) as e:
        parse_feed(b"<html><body>hi</body></html>")
    assert e.value.reason == "not_a_feed"


def test_sitemaps_index_urlset_news_and_gzip():
    index = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <sitemap><loc>https://n.example/s1.xml.gz</loc></sitemap></sitemapindex>"""
    assert parse_sitemap(index).sitemaps == ["https://n.example/s1.xml.gz"]
    urlset = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
    xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://n.example/p</loc>
    <lastmod>2026-01-01</lastmod><news:news><news:publication_date>2026-09-02T08:00:00Z</news:publication_date>
    <news:title>P</news:title></news:news></url></urlset>"""
    parsed = parse_sitemap(gzip.compress(urlset))
    assert [(link.url, link.title, link.published) for link in parsed.links] == [
        ("https://n.example/p", "P", "2026-09-02T08:00:00Z")
    ]


def test_gzip_bomb_refused():
    bomb = gzip.compress(b"\0" * (4 * 1024 * 1024))
    with pytest.raises(XmlRejected) as e:
        maybe_gunzip(bomb, limit=1024 * 1024)
    assert e.value.reason == "too_large"
