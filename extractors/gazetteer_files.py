"""Add a firm or a model family to the gazetteer files (``firms.yaml``, ``models.yaml``), keeping them as written.

The files are edited line by line, not re-dumped, so their comments and layout stay (a YAML round-trip would
drop every comment); each new entry is one flow-style line like its neighbours, and the file is parsed again
afterwards to make sure it still loads and holds the entry.
"""

from __future__ import annotations

import re
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


def _insert_after_last(path: Path, pattern: re.Pattern[str], line: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    last = max((i for i, x in enumerate(lines) if pattern.match(x)), default=None)
    if last is None:
        raise GazetteerEditError(f"{path} has no entry to add after")
    lines.insert(last + 1, line + "\n")
    path.write_text("".join(lines), encoding="utf-8")


def _names(data: dict, key: str, field: str) -> set[str]:
    return {str(x[field]) for x in data.get(key, [])}


def add_firm(
    name: str, country: str, kind: str = "ai_developer", aliases: list[str] | None = None, data_dir: Path = DATA_DIR
) -> str:
    """Append a firm to ``firms.yaml``; return the line written."""
    path = data_dir / "firms.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    known = {str(a) for f in data["firms"] for a in [f["name"], *f.get("aliases", [])]}
    for n in [name, *(aliases or [])]:
        if not n.strip():
            raise GazetteerEditError("a firm name or alias is empty")
        if n in known:
            raise GazetteerEditError(f"{n!r} is already a firm name or alias in {path}")
    if kind not in KINDS:
        raise GazetteerEditError(f"kind must be one of {', '.join(KINDS)}")
    alias_list = ", ".join(_flow(a) for a in aliases or [])
    line = f"  - {{name: {_flow(name)}, country: {_flow(country.upper())}, kind: {kind}, aliases: [{alias_list}]}}"
    _insert_after_last(path, FIRM_LINE, line)
    check = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert name in _names(check, "firms", "name"), f"{path} no longer holds {name}"
    return line.strip()


def add_model(
    family: str, firm: str, needs_version: bool = False, exact: bool = False, data_dir: Path = DATA_DIR
) -> str:
    """Append a model family owned by ``firm`` (a firm of ``firms.yaml``) to ``models.yaml``; return the line."""
    path = data_dir / "models.yaml"
    firms = _names(yaml.safe_load((data_dir / "firms.yaml").read_text(encoding="utf-8")), "firms", "name")
    if firm not in firms:
        raise GazetteerEditError(f"no firm {firm!r} in firms.yaml: add it first (claimwatch entities add --kind firm)")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if family in _names(data, "families", "family"):
        raise GazetteerEditError(f"{family!r} is already a model family in {path}")
    if not re.fullmatch(r"[\w.+-]+(?: [\w.+-]+)?", family):
        raise GazetteerEditError(f"{family!r} is not a model family name (letters, digits, . + - and one space)")
    flags = (", needs_version: true" if needs_version else "") + (", exact: true" if exact else "")
    line = f"  - {{family: {_flow(family)}, firm: {_flow(firm)}{flags}}}"
    _insert_after_last(path, FAMILY_LINE, line)
    check = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert family in _names(check, "families", "family"), f"{path} no longer holds {family}"
    return line.strip()
