"""The claim rules of one run as one object: version, seed of known names, extraction in article order.

A run makes its own :class:`ClaimRules` from the names earlier runs discovered; nothing process-wide is changed
(every rules object reads with its own copy of the extractor, which shares the process's built spaCy patterns).
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any, NamedTuple, Protocol

from extractors.claims import Claim, ClaimExtractor, default_extractor
from extractors.discovery import Discovered
from warehouse.records import ClaimMention, ExtractionResult

# The code that decides which claims an article yields: every module of the claims package, and these modules
# beside it. Their source, with every vocabulary data file, makes the rules version, so any change to either
# re-extracts stored articles (a hand-kept constant went stale).
RULES_PACKAGE = "claims"
RULES_MODULES = (
    "discovery",
    "entities",
    "language",
    "nlp",
    "rules",
    "text_normalization",
    "trie_regex",
    "vocab",
)


def _python_files(folder: Traversable) -> list[Traversable]:
    return sorted((p for p in folder.iterdir() if p.name.endswith(".py")), key=lambda p: p.name)


def rules_fingerprint(code: Traversable | None = None) -> str:
    """Hash of the rules' code and vocabulary.

    Every module of the :data:`RULES_PACKAGE`, the :data:`RULES_MODULES` in ``code`` (the installed
    ``extractors`` package by default) and every YAML file in its ``data`` folder.
    """
    code = code if code is not None else resources.files("extractors")
    h = hashlib.sha1()
    for p in _python_files(code.joinpath(RULES_PACKAGE)):
        h.update(f"{RULES_PACKAGE}/{p.name}".encode())
        h.update(p.read_bytes())
    for name in RULES_MODULES:
        h.update(name.encode())
        h.update(code.joinpath(f"{name}.py").read_bytes())
    root = code.joinpath("data")
    for p in sorted(root.iterdir(), key=lambda x: x.name):
        if p.name.endswith(".yaml"):
            h.update(p.name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


@cache
def rules_version() -> str:
    """Version of the claim rules: a hash of their code and vocabulary data (see :func:`rules_fingerprint`)."""
    return f"r-{rules_fingerprint()}"


class ArticleText(Protocol):
    """What the rules read of an article (``warehouse.records.Article`` is one)."""

    article_id: str
    text: str | None
    title: str | None


def _id(*parts: object) -> str:
    # the warehouse's id scheme (warehouse.rows.sha1), written here because extractors import nothing of it
    return hashlib.sha1("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:20]


def mentions_of(claims: Sequence[Claim]) -> list[ClaimMention]:
    """The mentions claims make, with their claim and mention ids."""
    return [
        ClaimMention(
            mention_id=_id(c.article_id, c.start_char, c.end_char, c.claim_id), claim_id=c.claim_id, **c.to_dict()
        )
        for c in claims
    ]


def _error(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


class Confirmed(NamedTuple):
    """Articles' results put in order (:meth:`ClaimRules.confirm_in_order`)."""

    mentions: list[ClaimMention]
    errors: dict[str, str]  # {article_id: error} of the articles the rules raised on
    redone: int  # articles extracted again here (no result, or naming what an earlier article introduced)
    limits: dict[str, list[str]]  # {article_id: reading bounds hit} of the articles that hit one


class ClaimRules:
    """The claim rules seeded with ``discovered`` ((kind, name, firm) of names earlier runs found)."""

    def __init__(self, discovered: Sequence[Sequence[Any]] = ()) -> None:
        self.seed = [tuple(d) for d in discovered]
        self.version = rules_version()
        # staged results are only used with the seed they were made with
        self.seed_key = hashlib.sha1(json.dumps([list(d) for d in self.seed]).encode()).hexdigest()[:16]
        known: dict[str, Discovered] = {}
        for kind, name, firm in self.seed:
            known.setdefault(name, Discovered(name, "FIRM" if kind == "firm" else "MODEL", firm))
        self._extractor = default_extractor()
        self._extractor.discovered = known

    @property
    def known(self) -> dict[str, Discovered]:
        """The names the rules start from (a copy)."""
        return dict(self._extractor.discovered)

    def reader(self) -> ClaimExtractor:
        """An extractor of its own, starting from the seed: names it discovers stay its own."""
        x = copy.copy(self._extractor)
        x.discovered = self.known
        return x

    def extract_in_order(self, articles: Sequence[ArticleText]) -> tuple[list[ClaimMention], dict[str, str]]:
        """One reader over ``articles`` in order: (mentions, {article_id: error} for articles that raised).

        Names an article introduces are known to the articles after it. :meth:`extract_alone` (any order, any
        process) followed by :meth:`confirm_in_order` gives the same result.
        """
        x = self.reader()
        mentions: list[ClaimMention] = []
        errors: dict[str, str] = {}
        for a in articles:
            try:
                claims = x.extract(a.article_id, a.text or "", a.title)
            except Exception as exc:  # noqa: BLE001 - recorded per article
                errors[a.article_id] = _error(exc)
                continue
            mentions += mentions_of(claims)
        return mentions, errors

    def extract_one(self, article: ArticleText, x: ClaimExtractor | None = None) -> ExtractionResult:
        """One article's result seeing only the seed: its mentions, the names it introduced, or its error."""
        x = x or self._extractor
        try:
            reading = x.extract_alone(article.article_id, article.text or "", article.title)
        except Exception as exc:  # noqa: BLE001 - recorded per article
            return ExtractionResult(article.article_id, error=_error(exc))
        names = [(d.name, d.label, d.firm) for d in reading.introduced.values()]
        return ExtractionResult(article.article_id, mentions_of(reading.claims), names, limits=reading.limits)

    def extract_alone(self, articles: Sequence[ArticleText]) -> list[ExtractionResult]:
        """Each article's result on its own (any order, any process; see :meth:`confirm_in_order`)."""
        return [self.extract_one(a) for a in articles]

    def confirm_in_order(self, articles: Sequence[ArticleText], results: dict[str, ExtractionResult]) -> Confirmed:
        """Turn per-article results into what one reader of ``articles`` in this order would find.

        A result computed alone can only differ from the in-order one when the article's text contains a name
        that an earlier article introduced; such an article is extracted again here, knowing those names.
        Articles without a result are extracted here too.
        """
        seed = self.known
        earlier: dict[str, Discovered] = {}  # names introduced by the articles confirmed so far
        pattern: re.Pattern[str] | None = None
        mentions: list[ClaimMention] = []
        errors: dict[str, str] = {}
        limits: dict[str, list[str]] = {}
        redone = 0
        x = self.reader()
        for a in articles:
            result = results.get(a.article_id)
            if result is None or (pattern is not None and pattern.search(a.text or "")):
                x.discovered = {**seed, **earlier}
                result = self.extract_one(a, x)
                redone += 1
            if result.error:
                errors[a.article_id] = result.error
                continue
            mentions += result.mentions
            if result.limits:
                limits[a.article_id] = result.limits
            fresh = [n for n in result.introduced if n[0] not in earlier and n[0] not in seed]
            if fresh:
                earlier.update({name: Discovered(name, label, firm) for name, label, firm in fresh})
                pattern = re.compile("|".join(re.escape(n) for n in sorted(earlier, key=len, reverse=True)))
        return Confirmed(mentions, errors, redone, limits)
