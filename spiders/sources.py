"""Load and validate a sources file (YAML): which feeds, sitemaps and URL lists to crawl."""

from __future__ import annotations

import difflib
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from spiders.feed_polling import PollSettings
from spiders.yaml_loading import YamlFileError, load_yaml_file

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


class CrawlSettings(BaseModel):
    """Polite defaults for real outlets; a sources file may override any of them under ``crawl:``.

    Every value is type-checked (strictly: "abc" is not a timeout, "lots" is not a page count) before a crawl
    starts, so a bad value is reported with its key instead of crashing the crawler child.
    """

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    user_agent: str = Field(
        "claimwatch/0.1 (+https://github.com/claimwatch/claimwatch; news research crawler)", min_length=1
    )
    download_timeout: int = Field(15, ge=1, le=600)
    download_maxsize: int = Field(32 * 1024 * 1024, ge=1024)
    autothrottle_start_delay: float = Field(1.0, ge=0)
    autothrottle_target_concurrency: float = Field(2.0, gt=0)
    download_delay: float = Field(0.25, ge=0)
    concurrent_requests_per_domain: int = Field(4, ge=1, le=64)
    retry_times: int = Field(2, ge=0, le=20)
    retry_backoff_base: float = Field(0.5, ge=0)
    max_retry_after: float = Field(120, ge=0)
    # CIDRs reachable even when private networks are refused (e.g. an internal mirror)
    allow_networks: tuple[str, ...] = Field((), max_length=256)
    redirect_max_times: int = Field(5, ge=0, le=50)
    max_pages_per_source: int = Field(500, ge=1)
    # sitemap entries older than this (lastmod / news date) are skipped; 0: no limit
    sitemap_max_age_days: float = Field(30, ge=0)
    # Shared crawl frontier (scrapy-redis, the `scale` extra): crawlers on several hosts given the same Redis URL
    # and key pop page requests from one queue and fetch each page URL once between them. "" = no sharing.
    frontier_redis_url: str = ""
    frontier_key: str = Field("claimwatch:frontier:{hour}", min_length=1)  # {hour}: same UTC hour, one frontier
    frontier_ttl_seconds: int = Field(86400, ge=1)  # the frontier's Redis keys expire this long after a crawl
    # continuous polling of feeds and news sitemaps (feed_poll_sensor): bounds of the learned intervals
    polling: PollSettings = PollSettings()

    @field_validator("allow_networks", mode="before")
    @classmethod
    def _cidrs(cls, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise ValueError("must be a list of CIDR strings such as 10.20.0.0/16")
        for v in value:
            ipaddress.ip_network(v, strict=False)  # ValueError names the bad one
        return tuple(value)

    @field_validator("frontier_redis_url")
    @classmethod
    def _redis_url(cls, value: str) -> str:
        if value and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must be a redis://, rediss:// or unix:// URL")
        return value


DEFAULT_CRAWL_SETTINGS: dict[str, Any] = CrawlSettings().model_dump(mode="json")


def _did_you_mean(key: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(key, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _unknown_keys(keys: Iterable[str], known: Iterable[str]) -> str:
    return ", ".join(f"{k!r}{_did_you_mean(k, known)}" for k in sorted(keys))


def _crawl_settings(overrides: dict[str, Any], origin: str) -> dict[str, Any]:
    bad = set(overrides) - set(CrawlSettings.model_fields)
    if bad:
        raise SourcesError(f"{origin}: unknown crawl settings: {_unknown_keys(bad, CrawlSettings.model_fields)}")
    try:
        return CrawlSettings(**overrides).model_dump(mode="json")
    except ValidationError as exc:
        problems = "; ".join(
            f"crawl.{'.'.join(map(str, e['loc']))}: {e['msg']} (got {e.get('input')!r})" for e in exc.errors()
        )
        raise SourcesError(f"{origin}: {problems}") from None


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
    top = ("allow_private_networks", "sources", "crawl")
    unknown = set(data) - set(top)
    if unknown:
        raise SourcesError(f"{origin}: unknown top-level keys: {_unknown_keys(unknown, top)}")
    allow = data.get("allow_private_networks", False)
    if not isinstance(allow, bool):
        raise SourcesError(f"{origin}: allow_private_networks must be true or false")
    overrides = data.get("crawl") or {}
    if not isinstance(overrides, dict):
        raise SourcesError(f"{origin}: crawl must be a mapping")
    crawl = _crawl_settings(overrides, origin)
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
        extra = set(entry) - {"name", *SOURCE_KINDS}
        if extra:
            raise SourcesError(f"{where} ({name}): unknown keys: {_unknown_keys(extra, SOURCE_KINDS)}")
        kinds = [k for k in SOURCE_KINDS if k in entry]
        if len(kinds) != 1:
            raise SourcesError(f"{where} ({name}): give exactly one of feed, sitemap, urls, gdelt")
        kind = kinds[0]
        value = entry[kind]
        if kind == "gdelt":
            sources.append(_gdelt_source(where, name, value, set(entry) - {"name", kind}))
            continue
        if kind == "urls" and not isinstance(value, list):
            raise SourcesError(
                f"{where} ({name}): urls must be a list of URLs, e.g. urls: [{value!r}]"
                if isinstance(value, str)
                else f"{where} ({name}): urls must be a list of URLs"
            )
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
    for key in ("max_records", "terms_per_query"):
        if not isinstance(options[key], int) or isinstance(options[key], bool) or options[key] < 1:
            raise SourcesError(f"{where} ({name}): gdelt {key} must be a positive whole number, got {options[key]!r}")
    if options["max_records"] > 250:
        raise SourcesError(f"{where} ({name}): gdelt max_records must be 1..250")
    if not isinstance(options["timespan"], str) or not isinstance(options["gazetteer_terms"], bool):
        raise SourcesError(f"{where} ({name}): gdelt timespan must be text (e.g. 1d) and gazetteer_terms true/false")
    return Source(name=name, kind="gdelt", urls=(options["endpoint"],), options=options)


def load_sources(path: str | Path) -> SourcesConfig:
    """Read and validate a sources YAML file (aliases bounded, errors with file and line)."""
    try:
        data = load_yaml_file(path)
    except YamlFileError as exc:
        raise SourcesError(str(exc)) from exc
    return parse_sources(data, str(path))


# The feed-poll sensor reads the same sources file every tick in one long-lived process; parsing and validating
# 10,000 sources costs ~0.7 CPU-s, so the last parse is kept beside the file's (mtime_ns, size).
_PARSED: dict[str, tuple[tuple[int, int], SourcesConfig]] = {}


def load_sources_unless_unchanged(path: str | Path) -> SourcesConfig:
    """:func:`load_sources`, or the configuration this process last read from ``path`` if the file is unchanged."""
    key = str(Path(path).absolute())
    try:
        st = Path(path).stat()
    except OSError:
        return load_sources(path)  # its error names the file
    stamp = (st.st_mtime_ns, st.st_size)
    cached = _PARSED.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    config = load_sources(path)
    _PARSED[key] = (stamp, config)
    return config
