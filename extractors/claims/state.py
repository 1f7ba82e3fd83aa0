"""Where reading state lives: one :class:`ArticleState` per article, one :class:`SentenceScan` per sentence.

The extractor itself keeps only what outlives an article (its built patterns and the names it discovered);
everything an article's sentences tell the next ones (the latest claim's sides, the article's author, its
parsed sentences) is here, made fresh for each article.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span

from extractors.claims.names import KnownNames, mentions
from extractors.claims.records import Claim, Mention
from extractors.discovery import add_discovered


@dataclass
class ReadLimits:
    """The bounds one article hit: what was read in pieces or not read at all, so nothing is dropped silently.

    A crawled page is attacker-controlled text; the bounds (relations.yaml ``limits``) keep its reading linear.
    """

    sentences_cut: int = 0  # sentences longer than max_sentence_chars, read in pieces (every character read)
    cues_not_read: int = 0  # cues past max_cues_per_sentence in one sentence, not read

    def reasons(self, max_sentence_chars: int, max_cues: int) -> list[str]:
        """One line per bound hit, naming the bound ([] when the article hit none)."""
        out = []
        if self.sentences_cut:
            out.append(f"{self.sentences_cut} sentence(s) over {max_sentence_chars} characters read in pieces")
        if self.cues_not_read:
            out.append(f"{self.cues_not_read} cue(s) past {max_cues} in one sentence not read")
        return out


@dataclass
class ArticleState:
    """One article being read: its text and sentences, the names it reads with, and what its claims said so far."""

    text: str
    sentences: list[tuple[int, int]]
    nlp: Language
    names: KnownNames = field(default_factory=lambda: KnownNames({}, frozenset()))
    author: str | None = None  # the firm that wrote the article, if it says so ("Today we are releasing ...")
    topic: list[Mention] = field(default_factory=list)  # the latest claim's subjects: what "it" refers to
    topic_at: int = -1  # the sentence that claim is in
    topic_objects: list[Mention] = field(default_factory=list)  # its other side ("trailed behind both")
    docs: dict[str, Doc] = field(default_factory=dict)  # one parse per sentence per article
    sentence_mentions: dict[str, tuple[Mention, ...]] = field(default_factory=dict)
    limits: ReadLimits = field(default_factory=ReadLimits)

    def parse(self, sentence: str) -> Doc:
        """Parse a sentence once per article (discovery, claims and context share the doc)."""
        doc = self.docs.get(sentence)
        if doc is None:
            doc = self.docs[sentence] = self.nlp(sentence)
        return doc

    def mentions_of(self, sentence: str) -> tuple[Mention, ...]:
        """The mentions of one sentence of the article, with the names it reads with (computed once)."""
        cached = self.sentence_mentions.get(sentence)
        if cached is None:
            doc = add_discovered(self.parse(sentence), self.names.found)
            cached = self.sentence_mentions[sentence] = tuple(mentions(doc, self.names))
        return cached

    def remember_claim(self, index: int, subjects: list[Mention], objects: list[Mention]) -> None:
        """The claim just made in sentence ``index`` is what later references ("it", "both") point to."""
        self.topic = [m for m in subjects if m.org or m.model]
        self.topic_objects = [m for m in objects if m.org or m.model]
        self.topic_at = index


class LazyContext:
    """Named mentions of the sentences before a claim sentence, parsed only if a rule asks for them."""

    def __init__(
        self,
        compute: Callable[[], list[Mention]],
        index: int = 0,
        lead: Callable[[], list[Mention]] | None = None,
        section: Callable[[], tuple[int, list[Mention]]] | None = None,
    ) -> None:
        self._compute = compute
        self._mentions: list[Mention] | None = None
        self.index = index  # the claim sentence's index in the article
        self._lead = lead
        self._lead_mentions: list[Mention] | None = None
        self._section = section
        self._section_heading: tuple[int, list[Mention]] | None = None

    @property
    def section(self) -> tuple[int, list[Mention]]:
        """(index, model) of the nearest heading line before the sentence that names one model ("Meta Llama 4")."""
        if self._section_heading is None:
            self._section_heading = self._section() if self._section is not None else (-1, [])
        return self._section_heading

    @property
    def lead(self) -> list[Mention]:
        """The first named model (else firm) of the article's opening sentences: what the article is about."""
        if self._lead_mentions is None:
            self._lead_mentions = self._lead() if self._lead is not None else []
        return self._lead_mentions

    @property
    def mentions(self) -> list[Mention]:
        """The mentions (computed on first use), the nearest sentence last."""
        if self._mentions is None:
            self._mentions = self._compute()
        return self._mentions


@dataclass
class SentenceScan:
    """One sentence being read cue by cue: what it holds, the claims found so far and the latest two sides."""

    article_id: str
    article: ArticleState
    doc: Doc
    offset: int
    context: LazyContext
    mentions: list[Mention]
    sides: list[Mention]
    cues: list[Span]
    hedged: bool
    out: list[Claim] = field(default_factory=list)
    previous_subjects: list[Mention] = field(default_factory=list)
    previous_objects: list[Mention] = field(default_factory=list)


@dataclass
class CueSides:
    """The names around one cue, as its clause offers them, before subjects and objects are settled."""

    n: int
    cue: Span
    prev_end: int
    before_tok: str
    passive: bool
    left: list[Mention]
    right: list[Mention]
    earlier_sides: list[Mention]
    same_subject: bool = False
