"""The warehouse's documentation, rendered from its own ``COMMENT ON`` metadata into Markdown.

``python -m warehouse.docs`` writes ``docs/warehouse.md``; ``--check`` exits 1 when the file is out of step
with the schema (``tests/test_warehouse_docs.py`` runs the same comparison).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from warehouse.db import connect
from warehouse.reports import column_docs, table_docs

DOC_PATH = Path(__file__).resolve().parents[1] / "docs" / "warehouse.md"


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def render() -> str:
    """Markdown for every table and view of a warehouse built from the migrations and ``warehouse/schema``."""
    with tempfile.TemporaryDirectory() as tmp:
        con = connect(Path(tmp) / "docs.duckdb")
        try:
            lines = [
                "# The claimwatch warehouse",
                "",
                "Generated from `warehouse/schema/comments.yaml` (applied as `COMMENT ON`) by",
                "`python -m warehouse.docs`; do not edit by hand. In a terminal: `claimwatch tables`,",
                "`claimwatch schema TABLE`.",
                "",
            ]
            docs = table_docs(con)
            for kind, title in (("BASE TABLE", "Tables"), ("VIEW", "Views")):
                lines += [f"## {title}", ""]
                for name, k, comment in docs:
                    if k != kind:
                        continue
                    lines += [f"### `{name}`", "", _cell(comment), "", "| column | type | required | meaning |"]
                    lines.append("|---|---|---|---|")
                    for col, typ, required, ccomment in column_docs(con, name):
                        lines.append(f"| `{col}` | {typ} | {'yes' if required else ''} | {_cell(ccomment)} |")
                    lines.append("")
        finally:
            con.close()
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Write docs/warehouse.md, or with --check report whether it is in step (exit 1 when not)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare instead of writing")
    ap.add_argument("--out", type=Path, default=DOC_PATH)
    args = ap.parse_args(argv)
    text = render()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is out of step with the schema: run python -m warehouse.docs", file=sys.stderr)
            return 1
        print(f"{args.out} is in step")
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
