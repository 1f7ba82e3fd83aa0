"""Claim rules on hostile text: time per KB at 10 KB, 100 KB and 1 MB for each shape that once took quadratic time.

Usage: python benchmarks/adversarial_claims.py [--sizes 10000 100000 1000000] [--out benchmarks/results.md]

A crawled page is attacker-controlled text. Each shape below once made the rules' time grow with the square of the
input (issue 23); the figure to watch is time per KB, which should stay flat (within 2x) as the input grows, and
the 1 MB inputs should each finish in seconds. The table replaces the "Adversarial claim-rules inputs" section of
``--out``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from extractors.claims import default_extractor  # noqa: E402

SECTION = "## Adversarial claim-rules inputs"


def _repeat(unit: str, n: int, end: str = "") -> str:
    return (unit * (n // len(unit) + 1))[:n] + end


# name -> (what it is, text of about n characters)
SHAPES: dict[str, tuple[str, Callable[[int], str]]] = {
    "hyphenated versions": (
        'a cue, then "GPT-5" followed by "-5" many times',
        lambda n: "Claude 4 outperforms GPT-5" + _repeat("-5", n, "."),
    ),
    "comma run": (
        "a model name then a run of commas (the tokenizer's suffix search)",
        lambda n: "Claude 4 outperforms GPT-5" + "," * n,
    ),
    "cue chain": (
        '"A outperforms B outperforms C ..." in one sentence',
        lambda n: _repeat("GPT-5 outperforms Claude 4 outperforms Gemini 3 outperforms ", n, "."),
    ),
    "Chinese cue chain": (
        "the same in Chinese (超越)",
        lambda n: _repeat("GPT-5超越Claude 4超越文心一言超越", n, "。"),
    ),
    "invisible characters": (
        "no-break and zero-width characters inside names",
        lambda n: _repeat("Claude\u00a04 outperforms GPT\u200b-5, ", n),
    ),
    "no sentence end": ("claims with no sentence end between them", lambda n: _repeat("Claude 4 beats GPT-5 and ", n)),
}


def measure(sizes: list[int]) -> list[tuple[str, str, list[tuple[int, float]]]]:
    """(shape, description, [(size, seconds)]) for each shape and size, one fresh extractor per input."""
    default_extractor().extract("warm-up", "Claude 4 outperforms GPT-5.")
    rows = []
    for name, (what, make) in SHAPES.items():
        timings = []
        for size in sizes:
            text = make(size)
            x = default_extractor()
            t0 = time.perf_counter()
            x.extract("adversarial", text)
            timings.append((size, time.perf_counter() - t0))
            print(f"{name:22} {size / 1000:8,.0f} KB {timings[-1][1]:7.2f} s", flush=True)
        rows.append((name, what, timings))
    return rows


def table(rows: list[tuple[str, str, list[tuple[int, float]]]]) -> str:
    """The markdown section: seconds and ms/KB per size, and the largest over smallest ms/KB of the two big sizes."""
    sizes = [s for s, _ in rows[0][2]]
    head = " | ".join(f"{s / 1000:,.0f} KB" for s in sizes)
    lines = [
        SECTION,
        "",
        "Command: `python benchmarks/adversarial_claims.py` (part of `make bench`). Time of one `extract` per input,",
        "seconds (ms per KB); growth = ms/KB at the largest size over ms/KB at the second largest (1.0 is linear).",
        "",
        f"| shape | what | {head} | growth |",
        "|---|---|" + "---|" * len(sizes) + "---|",
    ]
    for name, what, timings in rows:
        cells = " | ".join(f"{t:.2f} s ({t / (s / 1000) * 1000:.2f} ms/KB)" for s, t in timings)
        per_kb = [t / s for s, t in timings]
        growth = per_kb[-1] / per_kb[-2] if len(per_kb) > 1 and per_kb[-2] else float("nan")
        lines.append(f"| {name} | {what} | {cells} | {growth:.2f} |")
    return "\n".join(lines) + "\n"


def write_section(out: Path, section: str) -> None:
    """Replace (or append) the adversarial section of the results file."""
    text = out.read_text(encoding="utf-8") if out.exists() else "# Benchmark results\n"
    if SECTION in text:
        before, rest = text.split(SECTION, 1)
        after = rest.split("\n## ", 1)
        text = before + section + ("\n## " + after[1] if len(after) > 1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    out.write_text(text, encoding="utf-8")


def main() -> None:
    """Run the shapes at each size, print the table and write it into ``--out``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results.md")
    args = ap.parse_args()
    section = table(measure(args.sizes))
    print(section)
    write_section(args.out, section)


if __name__ == "__main__":
    main()
