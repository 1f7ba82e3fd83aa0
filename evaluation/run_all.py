"""`make eval`: score claim extraction, text cleaning and a crawl of the shared sample site.

Needs ../shared (evaluation material that a user's clone does not have); each score is checked
against the floors in ``evaluation/floors.yaml``. Exits 1 when any check fails.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import yaml

from evaluation.claims_check import check_claims
from evaluation.crash_check import check_crash_recovery
from evaluation.faults_check import check_faults
from evaluation.hostile_check import check_hostile
from evaluation.sample_site_check import check_sample_site
from extractors.cleaning import clean_html

HERE = Path(__file__).resolve().parent
SCORE = re.compile(r"(precision|recall|f1)=([0-9.]+)")


def _scores(line: str) -> dict[str, float]:
    return {k: float(v) for k, v in SCORE.findall(line)}


def _score_extraction(shared: Path, pred: Path) -> dict[str, float]:
    bench = shared / "extraction-benchmark"
    proc = subprocess.run(
        [sys.executable, str(shared / "tools" / "score_extraction.py"), str(bench / "ground-truth.json"), str(pred)],
        capture_output=True,
        text=True,
        check=True,
    )
    return _scores(proc.stdout.strip().splitlines()[-1])


def eval_extraction(shared: Path, work: Path) -> dict[str, float]:
    """Clean every benchmark page and score the text with shared/tools/score_extraction.py, twice.

    ``f1`` scores the text of every page whatever its verdict (text quality); ``pipeline_f1`` scores it as
    the pipeline uses it: a page judged not to be an article contributes no text. ``kept_share`` is the
    share of these pages (all real articles) judged articles; the rejected ones are listed with the signal
    that decided them.
    """
    bench = shared / "extraction-benchmark"
    all_text, pipeline_view = work / "extraction.jsonl", work / "extraction_pipeline.jsonl"
    kept = total = 0
    signals: Counter[str] = Counter()
    with all_text.open("w", encoding="utf-8") as out, pipeline_view.open("w", encoding="utf-8") as out_p:
        for f in sorted((bench / "html").glob("*.html.gz")):
            page = clean_html(gzip.decompress(f.read_bytes()))
            total += 1
            kept += page.is_article
            signals[page.signal.split(":")[0] if page.is_article else f"rejected {page.reason}"] += 1
            if not page.is_article:
                print(f"  rejected {f.name}: {page.reason} ({page.signal})")
            out.write(json.dumps({"path": f.name, "text": page.text}) + "\n")
            out_p.write(json.dumps({"path": f.name, "text": page.text if page.is_article else ""}) + "\n")
    scores = _score_extraction(shared, all_text)
    pipeline = _score_extraction(shared, pipeline_view)
    scores.update({f"pipeline_{k}": v for k, v in pipeline.items()})
    scores["kept_share"] = kept / total if total else 0.0
    print("  verdicts by deciding signal: " + ", ".join(f"{k} {n}" for k, n in signals.most_common()))
    print(
        f"text of every page: precision={scores['precision']:.3f} recall={scores['recall']:.3f} f1={scores['f1']:.3f}"
    )
    print(
        f"as the pipeline sees it (non-articles give no text): precision={pipeline['precision']:.3f} "
        f"recall={pipeline['recall']:.3f} f1={pipeline['f1']:.3f}"
    )
    print(f"kept as articles: {kept}/{total} ({scores['kept_share']:.3f})")
    return scores


def main() -> int:
    """Run every evaluation and compare with the floors."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default="../shared", type=Path)
    args = ap.parse_args()
    shared: Path = args.shared
    if not (shared / "gold" / "seed_claims.jsonl").exists():
        print(f"{shared} not found: nothing to evaluate")
        return 0
    floors = yaml.safe_load((HERE / "floors.yaml").read_text(encoding="utf-8"))
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="claimwatch-eval-") as tmp:
        work = Path(tmp)
        print("== claim extraction on the shared sets (seed, news, zh) ==")
        failures += check_claims(shared, work, floors)
        print("\n== text cleaning on the extraction benchmark ==")
        got = eval_extraction(shared, work)
        for k, floor in floors["extraction_benchmark"].items():
            if got.get(k, 0.0) < floor:
                failures.append(f"extraction_benchmark {k}={got.get(k)} < floor {floor}")
        print("\n== crawl of the shared sample site (two runs) ==")
        problems = check_sample_site(shared, work)
        failures += [f"sample_site: {p}" for p in problems]
        print("\n== every /faults/ route of serve_site.py in one run ==")
        failures += [f"faults: {p}" for p in check_faults(shared, work)]
        print("\n== hostile routes and files (security rows 2, 3, 5): slow robots.txt, control characters, ingest ==")
        failures += [f"hostile: {p}" for p in check_hostile(work)]
        print("\n== crash and compare: 20 SIGKILLs of an ingest, each followed by a normal run ==")
        crash_dir = work / "crash"
        crash_dir.mkdir()
        failures += [f"crash_recovery: {p}" for p in check_crash_recovery(crash_dir)]
    print()
    if failures:
        print("EVAL FAILED:\n  " + "\n  ".join(failures))
        return 1
    print("eval: all checks at or above their floors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
