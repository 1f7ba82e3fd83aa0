r"""One text normalisation for every path that reads article text for claims (``extract``, ``ingest``, the pipeline).

The claim rules call :func:`normalize_text` on every article before reading it, so a JSONL line given to
``claimwatch extract`` and the same text cleaned from a page are read alike:

- spaces of every width (no-break, figure, thin, ideographic) are spaces, and hyphens of every kind are "-":
  "Claude\u00a04" is Claude 4 and "GPT\u2011-5" is GPT-5 (one character for one: offsets hold);
- zero-width characters, the word joiner, the byte-order mark and soft hyphens go: "GPT\u200b-5" is GPT-5;
- control characters other than tab and line ends are spaces (they end no sentence and join no word);
- a run of more than three of one punctuation mark keeps three ("GPT-5,,,,,,..." is "GPT-5,,,"): a crawled page
  can hold thousands, and spaCy's tokenizer splits them one by one (time grows with the square of the run).

Removed characters shift offsets; :meth:`NormalizedText.original_offset` maps an offset in the normalised text
back to the text given, so evidence offsets and sentences still point into the stored article.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

_WIDE_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_HYPHENS = "\u2010\u2011\u2012\u2043"
_CONTROLS = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r") + "\x7f"
_ONE_FOR_ONE = str.maketrans({**dict.fromkeys(_WIDE_SPACES + _CONTROLS, " "), **dict.fromkeys(_HYPHENS, "-")})
# what goes: zero-width characters, word joiner, byte-order mark, soft hyphen; and punctuation runs past three
_DROPPED_CHARS = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_PUNCTUATION_RUN = re.compile(r"([^\w\s])\1{3,}")
_REMOVED = re.compile(f"{_DROPPED_CHARS.pattern}+|{_PUNCTUATION_RUN.pattern}")
# the cheap tests that spare most articles the work (one alternation over the text costs twice its parts)
_ONE_FOR_ONE_CHARS = re.compile("[" + re.escape(_WIDE_SPACES + _CONTROLS + _HYPHENS) + "]")
PUNCTUATION_RUN_KEPT = 3


@dataclass(frozen=True)
class NormalizedText:
    """Normalised text and the shifts that map its offsets back to the text it was made from."""

    text: str
    # (offset in the normalised text from which it holds, characters removed before it), in offset order
    _shifts: list[tuple[int, int]] = field(default_factory=list)

    def original_offset(self, offset: int) -> int:
        """The offset in the original text of ``offset`` in the normalised text."""
        k = bisect_right(self._shifts, (offset, float("inf"))) - 1
        return offset + (self._shifts[k][1] if k >= 0 else 0)


_CONTROLS_TO_SPACES = str.maketrans(dict.fromkeys(_CONTROLS, " "))


def replace_controls(text: str) -> str:
    """``text`` with control characters (but tab and line ends) as spaces; one character for one.

    Cleaning calls it on a page's HTML: lxml drops the tree of a page holding one ESC or BEL, and the article
    with it (issue 25 row 3).
    """
    return text.translate(_CONTROLS_TO_SPACES)


def normalize_text(text: str) -> NormalizedText:
    """The text the claim rules read (see the module docstring); linear in the length of ``text``."""
    if _ONE_FOR_ONE_CHARS.search(text) is not None:
        text = text.translate(_ONE_FOR_ONE)
    if _DROPPED_CHARS.search(text) is None and _PUNCTUATION_RUN.search(text) is None:
        return NormalizedText(text)
    pieces: list[str] = []
    shifts: list[tuple[int, int]] = []
    removed = pos = 0
    for m in _REMOVED.finditer(text):
        kept = m.group(0)[:PUNCTUATION_RUN_KEPT] if m.group(1) else ""
        pieces += [text[pos : m.start()], kept]
        removed += len(m.group(0)) - len(kept)
        shifts.append((m.start() - (removed - (len(m.group(0)) - len(kept))) + len(kept), removed))
        pos = m.end()
    pieces.append(text[pos:])
    return NormalizedText("".join(pieces), shifts)
