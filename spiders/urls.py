"""URL canonicalisation: the one form of a URL that is stored and compared."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import yaml


@lru_cache(maxsize=1)
def _tracking_params() -> tuple[frozenset[str], tuple[str, ...]]:
    data = yaml.safe_load(resources.files("spiders.data").joinpath("tracking_params.yaml").read_text("utf-8"))
    exact = frozenset(p for p in data["params"] if not p.endswith("*"))
    prefixes = tuple(p[:-1] for p in data["params"] if p.endswith("*"))
    return exact, prefixes


def is_http_url(url: str) -> bool:
    """True for an http(s) URL with a host: the only kind the crawler requests."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def is_tracking_param(name: str) -> bool:
    """True when a query parameter only tracks a campaign or click."""
    exact, prefixes = _tracking_params()
    n = name.lower()
    return n in exact or n.startswith(prefixes)


class InvalidUrl(ValueError):
    """A URL that cannot be parsed: unbalanced IPv6 brackets, a port that is not 0-65535, ..."""


# Why not w3lib.url.canonicalize_url (Scrapy's) or courlan: compared on the same URLs, w3lib keeps default ports
# ("http://example.com:80/a") and every tracking parameter (utm_*, fbclid, ... from spiders/data/tracking_params
# .yaml), so both steps would remain ours; it also re-encodes paths and hosts (%7E -> ~, IDNA), which would
# change canonical_url, and so articles.article_id (its sha1), for every article already stored. Adopting its
# encoding is a data migration to plan on its own, not a drop-in swap.
def canonicalize_url(url: str) -> str:
    """Lower-case scheme and host, drop default ports, fragments and tracking parameters, sort the query.

    Raises :class:`InvalidUrl` for a URL that does not parse; IPv6 hosts keep their brackets.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise InvalidUrl(f"{exc}: {url[:300]!r}") from None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    netloc = host
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        netloc = f"{host}:{port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking_param(k)]
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, urlencode(sorted(query)), ""))
