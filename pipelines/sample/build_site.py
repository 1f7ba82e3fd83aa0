#!/usr/bin/env python3
"""Render pipelines/sample/articles.yaml into pipelines/sample/site/, the demo's multi-outlet news site.

Usage: python pipelines/sample/build_site.py [--out pipelines/sample/site]

Absolute links use the placeholder BASE_URL, which the loopback server
(``spiders.sample_server``) replaces with its own address. The rendered site is
committed, so the demo and the tests never need to run this script.
"""

from __future__ import annotations

import argparse
import html
import json
import shutil
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
SECTIONS = ["World", "Business", "Technology", "Security", "AI", "Markets", "Opinion"]
SYNDICATION_NOTE = "This story first appeared on a partner site and is republished with permission."


def article_path(outlet: str, art: dict, amp: bool = False) -> str:
    """Site-relative path of an article page."""
    if amp:
        return f"/{outlet}/amp/{art['slug']}.html"
    y, m = art["published"][:4], art["published"][5:7]
    return f"/{outlet}/{y}/{m}/{art['slug']}.html"


def chrome(outlet: dict, title: str, body: str, head_extra: str = "", html_attrs: str = "lang='en'") -> str:
    """Wrap body in the outlet's page chrome: consent banner, nav, newsletter box, footer."""
    nav = "".join(f"<li><a href='/{outlet['slug']}/section/{s.lower()}.html'>{s}</a></li>" for s in SECTIONS)
    return (
        f"<!doctype html><html {html_attrs}><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)} | {html.escape(outlet['name'])}</title>{head_extra}</head><body>"
        "<div id='cookie-consent'>We use cookies to improve your experience. "
        "<button>Accept all</button> <button>Manage preferences</button></div>"
        f"<header><a class='logo' href='/{outlet['slug']}/'>{html.escape(outlet['name'])}</a>"
        f"<nav><ul class='nav'>{nav}</ul></nav></header>"
        f"<main>{body}</main>"
        "<aside class='newsletter'><h3>Get the morning briefing</h3><p>Sign up for our free newsletter.</p>"
        "<form><input type='email' placeholder='Email address'><button>Subscribe</button></form></aside>"
        f"<footer><p>&copy; 2026 {html.escape(outlet['name'])}. All rights reserved.</p>"
        f"<a href='/{outlet['slug']}/about.html'>About</a> <a href='/{outlet['slug']}/privacy.html'>Privacy</a>"
        "</footer></body></html>"
    )


def article_page(
    outlet: dict, art: dict, canonical: str, related: list[dict], amp: bool = False, note: str | None = None
) -> str:
    """Render one article page with metadata, JSON-LD and boilerplate around the story."""
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": art["title"],
        "datePublished": art["published"],
        "author": {"@type": "Person", "name": art["author"]},
        "publisher": {"@type": "Organization", "name": outlet["name"]},
    }
    head = (
        f"<meta property='og:title' content='{html.escape(art['title'], quote=True)}'>"
        f"<meta property='og:site_name' content='{html.escape(outlet['name'], quote=True)}'>"
        f"<meta name='author' content='{html.escape(art['author'], quote=True)}'>"
        f"<meta property='article:published_time' content='{art['published']}'>"
        f"<link rel='canonical' href='BASE_URL{canonical}'>"
        f"<script type='application/ld+json'>{json.dumps(ld)}</script>"
    )
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in art["paragraphs"])
    if note:
        paras += f"<p><em>{html.escape(note)}</em></p>"
    rel = "".join(
        f"<li><a href='BASE_URL{article_path(r['outlet'], r)}'>{html.escape(r['title'])}</a></li>" for r in related
    )
    body = (
        f"<article><h1>{html.escape(art['title'])}</h1>"
        f"<p class='byline'>By {html.escape(art['author'])} &middot; <time datetime='{art['published']}'>"
        f"{art['published'][:10]}</time></p>{paras}</article>"
        f"<section class='related'><h2>Related stories</h2><ul>{rel}</ul></section>"
    )
    lang = f"lang='{outlet.get('lang', 'en')}'"
    return chrome(outlet, art["title"], body, head, f"{lang} amp" if amp else lang)


# RSS 2.0 and Atom 1.0 as templates: (one entry, the document around the entries)
FEED_TEMPLATES = {
    "rss": (
        "<item><title>{title}</title><link>BASE_URL{url}</link><guid>BASE_URL{url}</guid>"
        "<pubDate>{published}</pubDate></item>",
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>{name}</title>"
        "<link>BASE_URL/{slug}/</link><description>Latest stories</description>{entries}</channel></rss>",
    ),
    "atom": (
        "<entry><title>{title}</title><link href='BASE_URL{url}'/><id>BASE_URL{url}</id>"
        "<updated>{published}</updated></entry>",
        "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
        "<title>{name}</title><id>BASE_URL/{slug}/</id><updated>2026-09-10T12:00:00Z</updated>{entries}</feed>",
    ),
}


def feed(kind: str, outlet: dict, items: list[tuple[str, str, str]]) -> str:
    """A feed (``rss`` or ``atom``) of (url, title, published) items."""
    entry, document = FEED_TEMPLATES[kind]
    entries = "".join(entry.format(url=u, title=html.escape(t), published=p) for u, t, p in items)
    return document.format(name=html.escape(outlet["name"]), slug=outlet["slug"], entries=entries)


def news_sitemap(items: list[tuple[str, str, str]], name: str, lang: str = "en") -> str:
    """A Google News sitemap of (url, title, published) items."""
    urls = "".join(
        f"<url><loc>BASE_URL{u}</loc><lastmod>{p}</lastmod><news:news><news:publication><news:name>"
        f"{html.escape(name)}</news:name><news:language>{lang}</news:language></news:publication>"
        f"<news:publication_date>{p}</news:publication_date><news:title>{html.escape(t)}</news:title>"
        "</news:news></url>"
        for u, t, p in items
    )
    return (
        "<?xml version='1.0' encoding='UTF-8'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9' "
        f"xmlns:news='http://www.google.com/schemas/sitemap-news/0.9'>{urls}</urlset>"
    )


def build(out: Path) -> None:
    """Render the whole site into ``out`` (replacing it)."""
    data = yaml.safe_load((HERE / "articles.yaml").read_text(encoding="utf-8"))
    outlets = {o["slug"]: o for o in data["outlets"]}
    arts = {a["id"]: a for a in data["articles"]}
    for a in arts.values():
        if "syndicated_from" in a:
            src = arts[a["syndicated_from"]]
            a.update({k: v for k, v in src.items() if k not in ("id", "outlet", "published")})
            a["note"] = SYNDICATION_NOTE
            a.pop("amp", None)
    if out.exists():
        shutil.rmtree(out)
    files: dict[str, str] = {}
    by_outlet: dict[str, list[dict]] = {s: [] for s in outlets}
    for a in arts.values():
        by_outlet[a["outlet"]].append(a)
    for slug, outlet in outlets.items():
        items = []
        for a in sorted(by_outlet[slug], key=lambda x: x["published"], reverse=True):
            path = article_path(slug, a)
            related = [r for r in arts.values() if r["id"] != a["id"] and "syndicated_from" not in r][:3]
            files[path] = article_page(outlet, a, path, related, note=a.get("note"))
            items.append((path, a["title"], a["published"]))
            if a.get("amp"):
                files[article_path(slug, a, amp=True)] = article_page(outlet, a, path, related, amp=True)
        feed_items = list(items)
        for d in data.get("drafts", []):
            if d["outlet"] == slug:
                dpath = f"/private/{d['slug']}.html"
                files[dpath] = chrome(outlet, d["title"], f"<article><h1>{d['title']}</h1><p>Draft.</p></article>")
                feed_items.append((dpath, d["title"], "2026-09-10T00:00:00Z"))
        files[f"/{slug}/feed.xml"] = feed(outlet["feed"], outlet, feed_items)
        if outlet.get("sitemap"):
            sm = list(items)
            for a in by_outlet[slug]:
                if a.get("amp"):
                    sm.append((article_path(slug, a, amp=True), a["title"], a["published"]))
            files[f"/{slug}/sitemap.xml"] = news_sitemap(sm, outlet["name"], outlet.get("lang", "en"))
        links = "".join(f"<li><a href='BASE_URL{u}'>{html.escape(t)}</a></li>" for u, t, _ in items)
        files[f"/{slug}/tag/ai.html"] = chrome(
            outlet, "Stories tagged AI", f"<h1>Stories tagged AI</h1><ul>{links}</ul>"
        )
        files[f"/{slug}/index.html"] = chrome(outlet, "Home", f"<h1>Latest</h1><ul>{links}</ul>")
        files[f"/{slug}/missing-story.html"] = chrome(
            outlet,
            "Page not found",
            "<h1>Sorry, we couldn't find that page</h1><p>The story you are looking for may have moved. "
            "Try our search or go back to the homepage.</p>",
        )
    files["/robots.txt"] = "User-agent: *\nDisallow: /private/\n"
    for rel, text in files.items():
        p = out / rel.lstrip("/")
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    print(f"wrote {len(files)} files to {out}")


def main() -> None:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=HERE / "site")
    build(ap.parse_args().out)


if __name__ == "__main__":
    main()
