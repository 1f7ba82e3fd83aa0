"""The records the rules make: a :class:`Mention` (one side), a :class:`Claim` (one row), and their keys.

Nothing here reads text; these are what every mechanism passes along and what an article's claims end as.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from extractors.discovery import Discovered
from warehouse.records import ClaimStatement


@dataclass
class Mention:
    """One side of a claim: a firm and/or model, or an unnamed group."""

    text: str
    org: str | None
    model: str | None
    group: str | None
    start: int  # token index in the sentence doc
    end: int
    in_gazetteer: bool = True
    sentence: int = -1  # index of the sentence in the article, for mentions of earlier sentences


class Side(Protocol):
    """What a claim row reads of a side, English (:class:`Mention`) or Chinese (``zh.ZhMention``)."""

    @property
    def text(self) -> str:
        """The side as the sentence words it."""

    @property
    def org(self) -> str | None:
        """Its firm's canonical name."""

    @property
    def model(self) -> str | None:
        """The model it names, if any."""


@dataclass
class Claim(ClaimStatement):
    """One extracted claim, in the ``claimwatch extract`` contract shape, with its deduplication key."""

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        return asdict(self)

    @property
    def claim_key(self) -> tuple[Any, ...]:
        """Deduplication key: canonical subject, relation, canonical object, negated (+ models when both named)."""
        both_models = bool(self.subject_model and self.object_model)
        subj = self.subject_org or f"group:{(self.subject_group or self.subject).lower()}"
        obj = self.object_org or f"group:{(self.object_group or self.object).lower()}"
        return (
            subj,
            self.subject_model if both_models else None,
            self.relation,
            obj,
            self.object_model if both_models else None,
            self.negated,
        )

    @property
    def claim_id(self) -> str:
        """Stable id derived from :attr:`claim_key`."""
        return hashlib.sha1(repr(self.claim_key).encode()).hexdigest()[:20]


@dataclass
class Reading:
    """What the rules made of one article: its claims, the bounds it hit, and the names it introduced.

    ``limits`` has one line per bound hit (a sentence read in pieces, cues not read), [] for ordinary text;
    ``introduced`` is filled by ``ClaimExtractor.extract_alone`` only.
    """

    claims: list[Claim]
    limits: list[str] = field(default_factory=list)
    introduced: dict[str, Discovered] = field(default_factory=dict)


@dataclass(frozen=True)
class SentenceFacts:
    """What every claim of one sentence shares: its text, domain, whether it reports doubt, the benchmark it names."""

    text: str
    domain: str
    disputed: bool
    benchmark: str | None


def _refines(general: Claim, specific: Claim) -> bool:
    """True when ``specific`` states ``general`` with the same firms and more specific models."""
    if (general.subject_org, general.relation, general.object_org, general.negated) != (
        specific.subject_org,
        specific.relation,
        specific.object_org,
        specific.negated,
    ):
        return False
    if general is specific or not (general.subject_org and general.object_org):
        return False
    if not (specific.subject_model and specific.object_model):
        return False
    return all(
        g is None or (s or "").lower().startswith(g.lower()) and len(s or "") > len(g) or g == s
        for g, s in ((general.subject_model, specific.subject_model), (general.object_model, specific.object_model))
    ) and (general.subject_model, general.object_model) != (specific.subject_model, specific.object_model)


def drop_subsumed(claims: list[Claim]) -> list[Claim]:
    """Drop a claim when the same article states it more specifically.

    "DeepSeek says its model matches OpenAI's o3" (firm level) or a headline's "Gemini trails
    Claude" (family level) next to "Gemini 2.5 Pro trails Claude Opus 4" in one article are one
    claim; the most specific statement is kept.
    """
    return [c for c in claims if not any(_refines(c, other) for other in claims)]


def claim_row(
    article_id: str,
    s: Side,
    relation: str,
    o: Side,
    domain: str,
    claimant: tuple[str, str | None],
    negated: bool,
    hedged: bool,
    sentence: str,
    start: int,
) -> Claim:
    """A :class:`Claim` from its two sides (English or Chinese mentions) and the sentence at offset ``start``."""
    return Claim(
        article_id=article_id,
        subject=s.text,
        subject_org=s.org,
        subject_model=s.model,
        relation=relation,
        object=o.text,
        object_org=o.org,
        object_model=o.model,
        domain=domain,
        claimant=claimant[0],
        claimant_name=claimant[1],
        negated=negated,
        hedged=hedged,
        sentence=sentence,
        start_char=start,
        end_char=start + len(sentence),
        subject_group=getattr(s, "group", None),
        object_group=getattr(o, "group", None),
        subject_model_in_gazetteer=getattr(s, "in_gazetteer", True) if s.model else None,
        object_model_in_gazetteer=getattr(o, "in_gazetteer", True) if o.model else None,
    )
