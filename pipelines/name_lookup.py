"""What an analyst types for a firm or model (an alias, a Chinese name, any case) read as the warehouse's names.

The warehouse stores canonical firm names ("Moonshot AI"); an analyst types "moonshot" or 月之暗面. The gazetteer
(extractors/data/firms.yaml: name, aliases, zh) says which canonical firm a name stands for. A name it does not
know is searched as typed (a firm discovered in the text is in the warehouse only), and an empty result suggests
the nearest names.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from extractors.gazetteer_files import firm_index
from extractors.vocab import load_data


@cache
def firm_aliases() -> dict[str, str]:
    """{case-folded name, alias or Chinese name: canonical firm name} from the installed gazetteer."""
    return firm_index(load_data("firms.yaml"), chinese=True)


@dataclass(frozen=True)
class FirmQuery:
    """A typed firm name and the canonical name it is searched as (``note`` says so when they differ)."""

    typed: str
    canonical: str

    @property
    def note(self) -> str | None:
        """For example "--org 'moonshot' read as 'Moonshot AI'", or None when the typed name is the canonical one."""
        if self.typed.casefold() == self.canonical.casefold():
            return None
        return f"--org {self.typed!r} read as {self.canonical!r}"


def resolve_firm(typed: str) -> FirmQuery:
    """The canonical firm ``typed`` names in the gazetteer (any case, aliases, Chinese names), else ``typed``."""
    return FirmQuery(typed, firm_aliases().get(typed.strip().casefold(), typed.strip()))


def nearest(typed: str, names: Iterable[str], n: int = 3) -> list[str]:
    """Up to ``n`` of ``names`` closest to ``typed`` (case-insensitive; a name containing it comes first)."""
    by_fold = {name.casefold(): name for name in names if name}
    key = typed.strip().casefold()
    containing = [by_fold[k] for k in sorted(by_fold) if key and key in k]
    close = [by_fold[k] for k in difflib.get_close_matches(key, list(by_fold), n=n, cutoff=0.6)]
    return list(dict.fromkeys([*containing, *close]))[:n]


def empty_result_help(searched: dict[str, str | None], firms: Iterable[str], models: Iterable[str]) -> list[str]:
    """Lines for an empty listing: what was searched for, and the nearest firm and model names there are."""
    given = {k: v for k, v in searched.items() if v}
    if not given:
        return []
    lines = ["no rows for " + ", ".join(f"{k} {v!r}" for k, v in given.items())]
    for key, names in (("--org", firms), ("--model", models)):
        if given.get(key):
            close = nearest(given[key] or "", names)
            if close:
                lines.append(f"  nearest {key} names: " + ", ".join(close))
    return lines
