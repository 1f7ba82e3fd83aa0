"""The records that cross into storage: a landed page, a fetch outcome, a page's verdict, an article.

They sit on the ground floor so the crawl (spiders/), archive ingest, cleaning and the warehouse share one
definition; this module imports nothing of claimwatch and stores nothing. The spider's items extend the landing
records (spiders/items.py); the warehouse's table modules insert and return these records.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Self


@dataclass
class LandedPage:
    """One HTTP response for a candidate article page, as landed (body kept raw)."""

    url: str
    final_url: str
    source: str
    status: int
    headers: dict[str, str]
    content_type: str | None
    fetched_at: str  # ISO 8601
    body: bytes

    @classmethod
    def at(
        cls,
        url: str,
        source: str,
        body: bytes,
        fetched_at: str | None = None,
        content_type: str = "text/html",
        headers: dict[str, str] | None = None,
    ) -> Self:
        """A 200 response of ``url`` with no redirect (a saved page, an archived response), fetched now by default."""
        when = fetched_at or datetime.now(UTC).isoformat()
        return cls(url, url, source, 200, headers or {}, content_type, when, body)


@dataclass
class FetchOutcome:
    """One fetch outcome (success or failure) of any URL: feed, sitemap, robots, page or archive file."""

    url: str
    source: str
    role: str
    status: int | None
    error: str | None
    detail: str | None
    fetched_at: str  # ISO 8601
    extra: dict[str, Any] = field(default_factory=dict)  # feed validators, counts of skipped entries

    @classmethod
    def fetched(cls, page: LandedPage, role: str = "page") -> Self:
        """The successful fetch that landed ``page``."""
        return cls(page.url, page.source, role, page.status, None, None, page.fetched_at)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        return asdict(self)


@dataclass
class PageVerdict:
    """Whether a landed page is an article, and why (a ``page_verdicts`` row)."""

    page_id: str
    url: str
    source: str
    is_article: bool
    reason: str | None
    signal: str | None
    judged_at: datetime


@dataclass(kw_only=True)
class Article:
    """A cleaned news article as the ``articles`` table keeps it (plus its text signature on the way in).

    Fields in the table's column order. The id is the hash of the canonicalised URL the page was fetched at.
    ``duplicate_of`` names the kept copy when this one is a copy (AMP, syndicated, same or near-same text); it is
    decided as the article is loaded.
    """

    article_id: str
    url: str
    canonical_url: str
    source: str
    title: str | None = None
    author: str | None = None
    published_at: datetime | None = None
    fetched_at: datetime
    language: str | None = None
    sitename: str | None = None
    text: str | None
    content_hash: str
    duplicate_of: str | None = None
    duplicate_reason: str | None = None
    is_syndicated: bool = False
    is_amp: bool = False
    page_id: str | None = None
    minhash: bytes | None = None  # MinHash signature of the text (cleaning workers sign; article_signatures)


@dataclass
class StoredPage:
    """A landed page as the warehouse returns it for cleaning: its id and what cleaning reads."""

    page_id: str
    url: str
    final_url: str
    source: str
    content_type: str | None
    fetched_at: datetime
    body: bytes | None


@dataclass
class ClaimStatement:
    """What one sentence claims: who is compared with whom, how, in what domain, on whose word.

    The extractors' ``Claim`` is one (it adds the claim key); stored, it is a :class:`ClaimMention`.
    """

    article_id: str
    subject: str  # the side as written
    subject_org: str | None  # its firm (canonical name), if known
    subject_model: str | None  # its model, if it names one
    relation: str  # parity, surpass, approach or trail
    object: str
    object_org: str | None
    object_model: str | None
    domain: str  # what the comparison is about ("coding", "vulnerability detection"; "general" when unsaid)
    claimant: str  # on whose word: self (the subject's firm), third_party, or outlet (the article's own)
    claimant_name: str | None  # who, when named
    negated: bool  # "does not match"
    hedged: bool  # "reportedly", "may", "claims to"
    sentence: str
    start_char: int  # the sentence's offsets in the article's text
    end_char: int
    subject_group: str | None = None
    object_group: str | None = None
    subject_model_in_gazetteer: bool | None = None  # None when the side names no model
    object_model_in_gazetteer: bool | None = None
    disputed: bool = False  # the sentence itself reports doubt or a denial of the claim


@dataclass
class ClaimMention(ClaimStatement):
    """A stated claim as ``claim_mentions`` keeps it: its own id, the claim (key) it states, when it was stored."""

    mention_id: str = field(kw_only=True)
    claim_id: str = field(kw_only=True)
    extracted_at: datetime | None = field(default=None, kw_only=True)


@dataclass
class ExtractionResult:
    """The claim rules' result for one article read on its own: mentions and the names it introduced, or an error.

    ``introduced`` holds (name, label, firm) of each model or firm the article made known; ``content_hash`` the
    text that was read (a staged result is only used while the stored article still has that text).
    """

    article_id: str
    mentions: list[ClaimMention] = field(default_factory=list)
    introduced: list[tuple[str, str, str | None]] = field(default_factory=list)
    error: str | None = None
    content_hash: str | None = None
    limits: list[str] = field(default_factory=list)  # reading bounds the article hit (extractors.claims.Reading)


@dataclass
class Alert:
    """An outbox alert as delivery reads it: the alert, its claim, the claim's first report and its evidence.

    ``kind`` says why it was written (``new`` story, ``relation_change``, ``confirmed``, ``disputed``, or
    ``unnamed`` subject, which only travels in a digest); ``story_claimant`` is the story's strongest claimant when
    the alert was written; ``sentence``, ``claimant`` and ``claimant_name`` are the claim's strongest evidence.
    """

    alert_id: str
    claim_id: str
    subject_org: str | None
    subject_model: str | None
    subject_group: str | None
    relation: str
    object_org: str | None
    object_model: str | None
    object_group: str | None
    domain: str
    created_at: datetime
    first_seen_at: datetime
    status: str = "pending"
    kind: str | None = "new"
    priority: bool = False
    attempts: int = 0
    delivered_at: datetime | None = None
    digest_id: str | None = None
    last_error: str | None = None
    story_key: str | None = None
    story_claimant: str | None = None
    mention_count: int = 0
    source_count: int = 0
    first_url: str | None = None
    first_source: str | None = None
    first_title: str | None = None
    first_language: str | None = None
    languages: str | None = None  # comma-separated languages of the claim's reports
    sentence: str | None = None
    claimant: str | None = None
    claimant_name: str | None = None
    hedged: bool | None = None
