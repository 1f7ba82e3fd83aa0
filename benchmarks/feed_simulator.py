"""A loopback news world for the freshness benchmark: N feeds on which articles appear at random times.

Rates are drawn once from a seed: most feeds publish a few items a day, a few wires dozens an hour (Poisson
arrivals). A share of the articles report comparative claims: each *story* (a pair of firms) is reported by one
to three articles on different feeds within minutes. Feeds are RSS with ETag / If-None-Match (an unchanged feed
answers 304); articles are plain HTML pages. The simulated clock is the real clock shifted so that t=0 is the
start of the measured window, or frozen at a chosen time (the hourly mode's single run).

Every request is counted (feeds, 304s, articles) so the benchmark can report requests per feed per hour.
"""

from __future__ import annotations

import hashlib
import http.server
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime

from spiders.loopback_server import loopback_server

# (firm, model) pairs from the gazetteer, used as the two sides of generated claims
SIDES = [
    ("Zhipu AI", "GLM-5"),
    ("Anthropic", "Claude Opus 4"),
    ("OpenAI", "GPT-5"),
    ("Google DeepMind", "Gemini 2.5 Pro"),
    ("DeepSeek", "DeepSeek-V3"),
    ("Alibaba", "Qwen3"),
    ("Meta", "Llama 4"),
    ("Mistral AI", "Mistral Large"),
    ("xAI", "Grok 4"),
    ("Moonshot AI", "Kimi K2"),
    ("MiniMax", "MiniMax-M1"),
    ("Baidu", "ERNIE 4.5"),
]
DOMAINS = ["coding", "mathematics", "vulnerability detection", "reasoning", "translation", "agentic tasks"]
# filler sentences are assembled from these, so that no two articles look like copies to the deduplicator
SUBJECTS = [
    "The ministry",
    "A regional bank",
    "The city council",
    "A logistics startup",
    "The chipmaker",
    "A university lab",
    "The retailer",
    "An energy utility",
    "The telecom operator",
    "A hospital group",
    "The port authority",
    "A carmaker",
    "The insurer",
    "A fintech firm",
    "The airline",
    "A cloud provider",
]
VERBS = [
    "announced",
    "delayed",
    "expanded",
    "reviewed",
    "cancelled",
    "funded",
    "tested",
    "opened",
    "closed",
    "doubled",
    "trimmed",
    "audited",
    "outsourced",
    "relaunched",
    "paused",
    "piloted",
]
OBJECTS = [
    "a data centre",
    "its payroll system",
    "a recycling scheme",
    "two warehouses",
    "a training programme",
    "its customer app",
    "a solar farm",
    "the night shift",
    "a research grant",
    "its billing platform",
    "a fleet of vans",
    "the loyalty card",
    "a call centre",
    "its supplier contracts",
    "a pilot project",
]
PLACES = [
    "in Leeds",
    "near Lyon",
    "in Osaka",
    "outside Austin",
    "in Porto",
    "near Gdansk",
    "in Pune",
    "in Halifax",
    "in Tartu",
    "near Cork",
    "in Recife",
    "in Perth",
    "in Bergen",
    "near Graz",
    "in Malaga",
    "in Tampere",
]


@dataclass
class Article:
    """One article: where, when (simulated seconds from the window start) and, maybe, which story it reports."""

    feed: int
    number: int
    published: float
    story: int | None = None

    @property
    def path(self) -> str:
        return f"/a/{self.feed}/{self.number}.html"


@dataclass
class Story:
    """A parity claim between two firms' models, reported by one or more articles."""

    number: int
    subject: tuple[str, str]
    object: tuple[str, str]
    domain: str
    first_published: float = float("inf")

    @property
    def key(self) -> str:
        return f"{self.subject[0]} | {self.object[0]}"


@dataclass
class World:
    """Every feed's articles, in publication order, and the stories."""

    feeds: int
    rates_per_hour: list[float]
    articles: list[list[Article]] = field(default_factory=list)
    stories: list[Story] = field(default_factory=list)


def build_world(
    feeds: int,
    start: float,
    end: float,
    stories_from: float = 0.0,
    seed: int = 7,
    busy_share: float = 0.02,
    story_share: float = 0.12,
) -> World:
    """Articles published between ``start`` and ``end`` (seconds from the window start) on ``feeds`` feeds.

    ``busy_share`` of the feeds are wires (20-40 items an hour), the rest publish 2-8 a day. ``story_share`` of
    the articles from ``stories_from`` on start or follow a story; each story has one to three reports.
    """
    rng = random.Random(seed)
    rates = [rng.uniform(20, 40) if rng.random() < busy_share else rng.uniform(2, 8) / 24 for _ in range(feeds)]
    world = World(feeds, rates, [[] for _ in range(feeds)])
    for f, rate in enumerate(rates):
        t = start
        while True:
            t += rng.expovariate(rate / 3600)
            if t >= end:
                break
            world.articles[f].append(Article(f, len(world.articles[f]), t))
    pairs = [(a, b) for a in SIDES for b in SIDES if a[0] < b[0]]
    rng.shuffle(pairs)
    window = sorted(
        (a for arts in world.articles for a in arts if a.published >= stories_from), key=lambda a: a.published
    )
    free = list(window)
    for article in window:
        if article.story is not None or rng.random() >= story_share or not pairs:
            continue
        subject, obj = pairs.pop()
        story = Story(len(world.stories), subject, obj, rng.choice(DOMAINS), article.published)
        world.stories.append(story)
        article.story = story.number
        # one or two follow-ups on other feeds within five minutes
        later = [
            a for a in free if a.story is None and a.feed != article.feed and 0 < a.published - article.published < 300
        ]
        for follow in rng.sample(later, min(len(later), rng.choice([0, 1, 2]))):
            follow.story = story.number
    return world


def article_html(world: World, article: Article) -> bytes:
    """An article page: a claim sentence for a story's report, filler otherwise."""
    rng = random.Random(article.feed * 100_003 + article.number)
    when = datetime.fromtimestamp(1_790_000_000 + article.published, UTC)  # only the page's own date line
    paragraphs = [
        " ".join(
            f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(PLACES)} "
            f"after {rng.randint(2, 97)} {rng.choice(['days', 'weeks', 'months'])} of talks."
            for _ in range(3)
        )
        for _ in range(4)
    ]
    title = f"Industry notes {article.feed}-{article.number}"
    if article.story is not None:
        s = world.stories[article.story]
        (sf, sm), (of, om) = s.subject, s.object
        title = f"{sm} matches {om} on {s.domain}, tests show"
        paragraphs.insert(
            0,
            f"Independent benchmark testing found that {sf}'s {sm} matches {of}'s {om} on {s.domain}, "
            f"according to results published this week.",
        )
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
        f"<meta property='article:published_time' content='{when.isoformat()}'></head><body><article>"
        f"<h1>{title}</h1><p class='byline'>By Staff Writer, {when:%d %B %Y}</p>{body}</article></body></html>"
    ).encode()


class FeedSimulator:
    """Serves a :class:`World` on 127.0.0.1; use as a context manager."""

    def __init__(self, world: World, items_per_feed: int = 20) -> None:
        self.world = world
        self.items_per_feed = items_per_feed
        self.t0 = time.time()  # real time of simulated t=0
        self.frozen: float | None = None  # a fixed simulated time, when set
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._server = loopback_server(self._handle, queue_size=256)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def now(self) -> float:
        """Simulated seconds since the window start."""
        return self.frozen if self.frozen is not None else time.time() - self.t0

    def feed_url(self, f: int) -> str:
        return f"{self.base_url}/feeds/{f}.xml"

    def _date(self, published: float) -> str:
        return format_datetime(datetime.fromtimestamp(self.t0 + published, UTC), usegmt=True)

    def _count(self, key: str) -> None:
        with self._lock:
            self.counts[key] += 1

    def _send(
        self, h: http.server.BaseHTTPRequestHandler, status: int, body: bytes, ctype: str, etag: str = ""
    ) -> None:
        h.send_response(status)
        if etag:
            h.send_header("ETag", etag)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        try:
            h.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _handle(self, h: http.server.BaseHTTPRequestHandler) -> None:
        path = h.path.split("?", 1)[0]
        now = self.now()
        if path == "/robots.txt":
            self._count("robots")
            return self._send(h, 200, b"User-agent: *\nAllow: /\n", "text/plain")
        if path.startswith("/feeds/") and path.endswith(".xml"):
            self._count("feed")
            f = int(path[len("/feeds/") : -len(".xml")])
            items = [a for a in self.world.articles[f] if a.published <= now][-self.items_per_feed :]
            newest = items[-1].number if items else -1
            etag = '"' + hashlib.sha1(f"{f}:{len(items)}:{newest}".encode()).hexdigest()[:16] + '"'
            if h.headers.get("If-None-Match") == etag:
                self._count("feed_304")
                return self._send(h, 304, b"", "application/rss+xml", etag)
            entries = "".join(
                f"<item><title>Story {a.feed}-{a.number}</title><link>{self.base_url}{a.path}</link>"
                f"<pubDate>{self._date(a.published)}</pubDate></item>"
                for a in reversed(items)
            )
            body = f"<?xml version='1.0'?><rss version='2.0'><channel><title>Feed {f}</title>{entries}</channel></rss>"
            return self._send(h, 200, body.encode(), "application/rss+xml", etag)
        if path.startswith("/a/"):
            self._count("article")
            try:
                f, n = (int(x) for x in path[len("/a/") : -len(".html")].split("/"))
                article = self.world.articles[f][n]
            except (ValueError, IndexError):
                return self._send(h, 404, b"not found", "text/plain")
            if article.published > now:
                return self._send(h, 404, b"not yet", "text/plain")
            return self._send(h, 200, article_html(self.world, article), "text/html; charset=utf-8")
        self._count("other")
        return self._send(h, 404, b"not found", "text/plain")

    def __enter__(self) -> FeedSimulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
