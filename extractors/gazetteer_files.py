"""Add a firm or a model family to the gazetteer files (``firms.yaml``, ``models.yaml``), keeping them as written.

What a user types is read as the files name things: a country as its ISO 3166 code (``usa`` -> ``US``, by
pycountry), an owning firm by its name or alias in any case, a family that differs from one already there only
by case, or a name the gazetteer already recognises as a model ("GPT-4.1" is a version of the GPT family), is
refused with what it is.

The files are edited line by line, not re-dumped, so their comments and layout stay (a YAML round-trip would
drop every comment); each new entry is one flow-style line like its neighbours. A name with a control character
(a line break would split the entry), under two characters, or equal but for case to a firm already there is
refused. The edited file is written to a temporary file beside it, loaded and checked (it parses, holds every
entry it held and the new one), then renamed over the old one: an edit that fails leaves the file as it was.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from importlib import resources
from pathlib import Path

import yaml

DATA_DIR = Path(str(resources.files("extractors.data")))
FIRM_LINE = re.compile(r"^  - \{name: ")
FAMILY_LINE = re.compile(r"^  - \{family: ")
KINDS = ("ai_developer", "security_vendor", "evaluator")


class GazetteerEditError(ValueError):
    """The entry cannot be added (a duplicate, an unknown owner, a bad name)."""


def _flow(value: str) -> str:
    """A YAML flow scalar: quoted when plain style would be read differently."""
    dumped = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True).strip()
    dumped = dumped.removesuffix("...").strip()
    return dumped if not any(c in value for c in ",[]{}") else yaml.safe_dump([value], default_flow_style=True)[1:-2]


def check_name(name: str, what: str) -> None:
    """Refuse a name that would corrupt the file or match everything: control characters, under two characters."""
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in name):
        raise GazetteerEditError(f"{what} {name!r} holds a control or invisible character")
    if len(name.strip()) < 2 or name != name.strip():
        raise GazetteerEditError(f"{what} {name!r} is shorter than two characters or has spaces around it")


def _insert_after_last(path: Path, pattern: re.Pattern[str], line: str, key: str, field: str, name: str) -> None:
    """Write ``line`` after the last entry line, through a checked temporary file renamed over ``path``."""
    old_text = path.read_text(encoding="utf-8")
    lines = old_text.splitlines(keepends=True)
    last = max((i for i, x in enumerate(lines) if pattern.match(x)), default=None)
    if last is None:
        raise GazetteerEditError(f"{path} has no entry to add after")
    lines.insert(last + 1, line + "\n")
    new_text = "".join(lines)
    try:
        new = yaml.safe_load(new_text)
    except yaml.YAMLError as exc:
        raise GazetteerEditError(f"the edited {path.name} would not load ({exc}); nothing written") from exc
    before = _names(yaml.safe_load(old_text), key, field)
    after = _names(new, key, field) if isinstance(new, dict) else set()
    if after != before | {name} or len(new.get(key, [])) != len(yaml.safe_load(old_text).get(key, [])) + 1:
        raise GazetteerEditError(f"the edited {path.name} would not hold exactly its entries and {name!r}")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(new_text)
        os.replace(tmp, path)  # atomic: a reader sees the old file or the new one, never half of one
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _names(data: dict, key: str, field: str) -> set[str]:
    return {str(x[field]) for x in data.get(key, [])}


def add_firm(
    name: str, country: str, kind: str = "ai_developer", aliases: list[str] | None = None, data_dir: Path = DATA_DIR
) -> str:
    """Append a firm to ``firms.yaml``; return the line written."""
    path = data_dir / "firms.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    known = {str(a).casefold(): str(a) for f in data["firms"] for a in [f["name"], *f.get("aliases", [])]}
    new_names = [name, *(aliases or [])]
    for n in new_names:
        check_name(n, "firm name or alias")
        if n.casefold() in known:
            raise GazetteerEditError(f"{n!r} is already a firm name or alias in {path} ({known[n.casefold()]!r})")
    if len({n.casefold() for n in new_names}) != len(new_names):
        raise GazetteerEditError("the firm's name and aliases repeat one another")
    country = country_code(country)
    if kind not in KINDS:
        raise GazetteerEditError(f"kind must be one of {', '.join(KINDS)}")
    alias_list = ", ".join(_flow(a) for a in aliases or [])
    line = f"  - {{name: {_flow(name)}, country: {_flow(country)}, kind: {kind}, aliases: [{alias_list}]}}"
    _insert_after_last(path, FIRM_LINE, line, "firms", "name", name)
    return line.strip()


def add_model(
    family: str, firm: str, needs_version: bool = False, exact: bool = False, data_dir: Path = DATA_DIR
) -> str:
    """Append a model family owned by ``firm`` (a firm of ``firms.yaml``) to ``models.yaml``; return the line."""
    path = data_dir / "models.yaml"
    firms_data = yaml.safe_load((data_dir / "firms.yaml").read_text(encoding="utf-8"))
    firm = owning_firm(firm, firms_data)
    check_name(family, "model family")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    known: dict[str, str] = {}
    for f in data["families"]:  # in file order: the first of names equal but for case is shown
        known.setdefault(str(f["family"]).casefold(), str(f["family"]))
    if family.casefold() in known:
        raise GazetteerEditError(f"{family!r} is already a model family in {path} ({known[family.casefold()]!r})")
    if not re.fullmatch(r"[\w.+-]+(?: [\w.+-]+)?", family):
        raise GazetteerEditError(f"{family!r} is not a model family name (letters, digits, . + - and one space)")
    recognised = recognised_model(family, firms_data, data)
    if recognised is not None:
        raise GazetteerEditError(
            f"{family!r} is already recognised as a model of {recognised} (a version or tier of a known family): "
            "nothing to add"
        )
    flags = (", needs_version: true" if needs_version else "") + (", exact: true" if exact else "")
    line = f"  - {{family: {_flow(family)}, firm: {_flow(firm)}{flags}}}"
    _insert_after_last(path, FAMILY_LINE, line, "families", "family", family)
    return line.strip()


def country_code(typed: str) -> str:
    """The ISO 3166 alpha-2 code of a country typed as a code, an alpha-3 code or a name ("usa", "China")."""
    import pycountry

    check_name(typed, "country")
    try:
        return str(pycountry.countries.lookup(typed.strip()).alpha_2)
    except LookupError:
        try:
            near = [str(c.name) for c in pycountry.countries.search_fuzzy(typed)[:3]]
        except LookupError:
            near = []
        hint = f" (did you mean {', '.join(near)}?)" if near else ""
        raise GazetteerEditError(f"{typed!r} is not a country: give its ISO code (US, CN, FR) or name{hint}") from None


def firm_index(firms_data: dict, chinese: bool = False) -> dict[str, str]:
    """{case-folded firm name or alias (and Chinese name, when ``chinese``): canonical name} of a firms.yaml."""
    out: dict[str, str] = {}
    for firm in firms_data["firms"]:
        for name in [firm["name"], *firm.get("aliases", []), *(firm.get("zh", []) if chinese else [])]:
            out.setdefault(str(name).casefold(), str(firm["name"]))
    return out


def owning_firm(typed: str, firms_data: dict) -> str:
    """The canonical firm ``typed`` names (its name or an alias, any case); refused with the nearest names if none."""
    import difflib

    names = firm_index(firms_data)
    found = names.get(typed.strip().casefold())
    if found is not None:
        return found
    near = difflib.get_close_matches(typed.casefold(), list(names), n=3)
    hint = f" (did you mean {', '.join(dict.fromkeys(names[n] for n in near))}?)" if near else ""
    raise GazetteerEditError(
        f"no firm {typed!r} in firms.yaml{hint}: add it first (claimwatch entities add --kind firm)"
    )


def recognised_model(name: str, firms_data: dict, models_data: dict) -> str | None:
    """The firm whose model the gazetteer of these files already recognises ``name`` as, whole; None if none."""
    import spacy

    from extractors.entities import GazetteerRuler

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("claimwatch_gazetteer")
    assert isinstance(ruler, GazetteerRuler)
    ruler.initialize(firms=firms_data, models=models_data)
    doc = nlp(name)
    whole = [e for e in doc.ents if e.label_ == "MODEL" and e.kb_id_ and e.start == 0 and e.end == len(doc)]
    return whole[0].kb_id_ if whole else None
