"""Add a firm or a model family to the gazetteer files (``firms.yaml``, ``models.yaml``), keeping them as written.

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
    check_name(country, "country")
    if kind not in KINDS:
        raise GazetteerEditError(f"kind must be one of {', '.join(KINDS)}")
    alias_list = ", ".join(_flow(a) for a in aliases or [])
    line = f"  - {{name: {_flow(name)}, country: {_flow(country.upper())}, kind: {kind}, aliases: [{alias_list}]}}"
    _insert_after_last(path, FIRM_LINE, line, "firms", "name", name)
    return line.strip()


def add_model(
    family: str, firm: str, needs_version: bool = False, exact: bool = False, data_dir: Path = DATA_DIR
) -> str:
    """Append a model family owned by ``firm`` (a firm of ``firms.yaml``) to ``models.yaml``; return the line."""
    path = data_dir / "models.yaml"
    firms = _names(yaml.safe_load((data_dir / "firms.yaml").read_text(encoding="utf-8")), "firms", "name")
    if firm not in firms:
        raise GazetteerEditError(f"no firm {firm!r} in firms.yaml: add it first (claimwatch entities add --kind firm)")
    check_name(family, "model family")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if family in _names(data, "families", "family"):
        raise GazetteerEditError(f"{family!r} is already a model family in {path}")
    if not re.fullmatch(r"[\w.+-]+(?: [\w.+-]+)?", family):
        raise GazetteerEditError(f"{family!r} is not a model family name (letters, digits, . + - and one space)")
    flags = (", needs_version: true" if needs_version else "") + (", exact: true" if exact else "")
    line = f"  - {{family: {_flow(family)}, firm: {_flow(firm)}{flags}}}"
    _insert_after_last(path, FAMILY_LINE, line, "families", "family", family)
    return line.strip()
