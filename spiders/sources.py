"""Load and validate a sources file (YAML): which feeds, sitemaps and URL lists to crawl."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

SOURCE_KINDS = ("feed", "sitemap", "urls", "gdelt")
GDELT_ENDPOINT = "https://api.gdeltproject.org/api/v2/doc/doc"
# keyword discovery through the GDELT DOC 2.0 API (mode=artlist): what a `gdelt:` entry may set
GDELT_DEFAULTS: dict[str, Any] = {
    "endpoint": GDELT_ENDPOINT,
    "phrases": [],  # extra watched phrases, e.g. "AI model cybersecurity"
    "gazetteer_terms": True,  # watch every firm and model family in extractors/data
    "timespan": "1d",
    "max_records": 75,  # per query; GDELT allows up to 250
    "terms_per_query": 8,  # terms OR-ed into one query (GDELT rejects very long queries)
}

# Polite defaults for real outlets; a sources file may override them under `crawl:`.
DEFAULT_CRAWL_SETTINGS: dict[str, Any] = {
    "user_agent": "claimwatch/0.1 (+https://github.com/claimwatch/claimwatch; news research crawler)",
    "download_timeout": 15,
    "download_maxsize": 32 * 1024 * 1024,
    "autothrottle_start_delay": 1.0,
    "autothrottle_target_concurrency": 2.0,
    "download_delay": 0.25,
    "concurrent_requests_per_domain": 4,
    "retry_times": 2,
    "retry_backoff_base": 0.5,
    "max_retry_after": 120,
    "allow_networks": [],  # CIDRs reachable even when private networks are refused (e.g. an internal mirror)
    "redirect_max_times": 5,
    "max_pages_per_source": 500,
    "sitemap_max_age_days": 30,  # sitemap entries older than this (lastmod / news date) are skipped; 0: no limit
    # Shared crawl frontier (scrapy-redis, the `scale` extra): crawlers on several hosts given the same Redis URL
    # and key pop page requests from one queue and fetch each page URL once between them. "" = no sharing.
    "frontier_redis_url": "",
    "frontier_key": "claimwatch:frontier:{hour}",  # {hour}: crawlers started in the same UTC hour share one
    "frontier_ttl_seconds": 86400,  # the frontier's Redis keys expire this long after a crawler closes
}


class SourcesError(ValueError):
    """The sources file is missing, not YAML, or does not follow the documented shape."""


@dataclass(frozen=True)
class Source:
    """One configured source: a name and exactly one of a feed URL, a sitemap URL or a URL list."""

    name: str
    kind: str
    urls: tuple[str, ...]
    options: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass
class SourcesConfig:
    """A parsed sources file."""

    sources: list[Source]
    allow_private_networks: bool = False
    crawl: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_CRAWL_SETTINGS))
    path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Serialise back to the sources-file shape (used to hand the config to the crawler child)."""
        out: list[dict[str, Any]] = []
        for s in self.sources:
            if s.kind == "gdelt":
                out.append({"name": s.name, "gdelt": dict(s.options)})
            else:
                out.append({"name": s.name, s.kind: list(s.urls) if s.kind == "urls" else s.urls[0]})
        return {"allow_private_networks": self.allow_private_networks, "crawl": self.crawl, "sources": out}


def parse_sources(data: Any, origin: str = "<sources>") -> SourcesConfig:
    """Validate the parsed YAML of a sources file and return a :class:`SourcesConfig`."""
    if not isinstance(data, dict):
        raise SourcesError(f"{origin}: expected a mapping with a 'sources:' list")
    unknown = set(data) - {"allow_private_networks", "sources", "crawl"}
    if unknown:
        raise SourcesError(f"{origin}: unknown top-level keys: {', '.join(sorted(unknown))}")
    allow = data.get("allow_private_networks", False)
    if not isinstance(allow, bool):
        raise SourcesError(f"{origin}: allow_private_networks must be true or false")
    crawl = dict(DEFAULT_CRAWL_SETTINGS)
    overrides = data.get("crawl") or {}
    if not isinstance(overrides, dict):
        raise SourcesError(f"{origin}: crawl must be a mapping")
    bad = set(overrides) - set(DEFAULT_CRAWL_SETTINGS)
    if bad:
        raise SourcesError(f"{origin}: unknown crawl settings: {', '.join(sorted(bad))}")
    crawl.update(overrides)
    frontier = crawl["frontier_redis_url"]
    if frontier and not str(frontier).startswith(("redis://", "rediss://", "unix://")):
        raise SourcesError(f"{origin}: crawl.frontier_redis_url must be a redis://, rediss:// or unix:// URL")
    entries = data.get("sources")
    if not isinstance(entries, list) or not entries:
        raise SourcesError(f"{origin}: 'sources' must be a non-empty list")
    sources: list[Source] = []
    seen: set[str] = set()
    for i, entry in enumerate(entries, 1):
        where = f"{origin}: sources[{i}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
            raise SourcesError(f"{where}: each source needs a 'name'")
        name = entry["name"].strip()
        if name in seen:
            raise SourcesError(f"{where}: duplicate source name {name!r}")
        seen.add(name)
        kinds = [k for k in SOURCE_KINDS if k in entry]
        if len(kinds) != 1:
            raise SourcesError(f"{where} ({name}): give exactly one of feed, sitemap, urls, gdelt")
        kind = kinds[0]
        value = entry[kind]
        if kind == "gdelt":
            sources.append(_gdelt_source(where, name, value, set(entry) - {"name", kind}))
            continue
        urls = tuple(value) if kind == "urls" else (value,)
        if not urls or not all(isinstance(u, str) and u.strip() for u in urls):
            raise SourcesError(f"{where} ({name}): {kind} must be a URL" + (" list" if kind == "urls" else ""))
        for u in urls:
            if not u.lower().startswith(("http://", "https://")):
                raise SourcesError(f"{where} ({name}): only http(s) URLs are crawled, got {u!r}")
        extra = set(entry) - {"name", kind}
        if extra:
            raise SourcesError(f"{where} ({name}): unknown keys: {', '.join(sorted(extra))}")
        sources.append(Source(name=name, kind=kind, urls=tuple(u.strip() for u in urls)))
    return SourcesConfig(sources=sources, allow_private_networks=allow, crawl=crawl, path=origin)


def _gdelt_source(where: str, name: str, value: Any, extra: set[str]) -> Source:
    if extra:
        raise SourcesError(f"{where} ({name}): unknown keys: {', '.join(sorted(extra))}")
    value = value or {}
    if not isinstance(value, dict):
        raise SourcesError(f"{where} ({name}): gdelt takes a mapping of options ({', '.join(GDELT_DEFAULTS)})")
    bad = set(value) - set(GDELT_DEFAULTS)
    if bad:
        raise SourcesError(f"{where} ({name}): unknown gdelt options: {', '.join(sorted(bad))}")
    options = {**GDELT_DEFAULTS, **value}
    if not str(options["endpoint"]).lower().startswith(("http://", "https://")):
        raise SourcesError(f"{where} ({name}): gdelt endpoint must be an http(s) URL")
    if not isinstance(options["phrases"], list) or not all(isinstance(p, str) for p in options["phrases"]):
        raise SourcesError(f"{where} ({name}): gdelt phrases must be a list of strings")
    if not options["phrases"] and not options["gazetteer_terms"]:
        raise SourcesError(f"{where} ({name}): gdelt needs phrases or gazetteer_terms: true")
    if not 1 <= int(options["max_records"]) <= 250:
        raise SourcesError(f"{where} ({name}): gdelt max_records must be 1..250")
    return Source(name=name, kind="gdelt", urls=(options["endpoint"],), options=options)


def load_sources(path: str | Path) -> SourcesConfig:
    """Read and validate a sources YAML file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise SourcesError(f"cannot read sources file {p}: {exc.strerror or exc}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SourcesError(f"{p}: not valid YAML: {exc}") from exc
    return parse_sources(data, str(p))
