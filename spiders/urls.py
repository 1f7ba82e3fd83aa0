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


def is_tracking_param(name: str) -> bool:
    """True when a query parameter only tracks a campaign or click."""
    exact, prefixes = _tracking_params()
    n = name.lower()
    return n in exact or n.startswith(prefixes)


def canonicalize_url(url: str) -> str:
    """Lower-case scheme and host, drop default ports, fragments and tracking parameters, sort the query."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        netloc = f"{host}:{port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking_param(k)]
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, urlencode(sorted(query)), ""))
