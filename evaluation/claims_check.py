"""Claim extraction scored on every shared set: P/R/F1 overall, per relation, and misses grouped by mechanism.

Scores come from ``shared/tools/score_claims.py`` (org-level triples per article), run once overall and once
per relation. Each miss (a gold claim not found) and each false claim is put in one mechanism group, read off
its sentence, so the next person sees what to work on. The groups (:data:`MECHANISMS`) are named like the
modules of ``extractors/claims/`` and like the case files ``tests/fixtures/claim_cases/<group>.yaml``:
reference, names, coordination, head_to_head, ranking, cues, negation, scope, relation, claimant, chinese, other.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from extractors.claims import ClaimExtractor, default_extractor

SETS = ("seed", "news", "news2", "zh", "zh2")
RELATIONS = ("parity", "surpass", "trail", "approach")
SCORE = re.compile(r"(precision|recall|f1)=([0-9.]+)")
LINE = re.compile(r"^\s+(MISS|FALSE) (\S+) \('([^']*)', '([^']*)', '([^']*)', (True|False)\)$")
PRONOUNS = re.compile(r"\b(it|its|they|their|our|the (?:new |latest |flagship )?(?:model|system|company)|both)\b", re.I)
RANKING = re.compile(r"\b(second|third|fourth|top|rank\w*|leaderboard|place[sd]?|position|#\d)\b", re.I)
DEGREE = re.compile(r"\b(than|as \w+ as|class|level|edge|advantage|times|twice)\b", re.I)
NEGATION = re.compile(r"\b(not|never|neither|nor|failed|claims?|claimed|reportedly|could|may|might)\b|n't", re.I)
SCOPE = re.compile(r"\b(users|downloads|revenue|valuation|market|funding|customers|sales)\b", re.I)


def _norm(name: str | None) -> str:
    return re.sub(r"[^a-z0-9]", "", (name or "").lower())


def extract_set(extractor: ClaimExtractor, articles: Path, out: Path) -> list[dict[str, Any]]:
    """Run the extractor on an article JSONL file; write and return the claim rows."""
    rows: list[dict[str, Any]] = []
    with out.open("w", encoding="utf-8") as fh:
        for line in articles.open(encoding="utf-8"):
            if not line.strip():
                continue
            a = json.loads(line)
            for c in extractor.extract(a["id"], a["text"], a.get("title")):
                row = c.to_dict()
                rows.append(row)
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return rows


def _score(scorer: Path, gold: Path, pred: Path, *args: str) -> tuple[dict[str, float], str]:
    proc = subprocess.run(
        [sys.executable, str(scorer), str(gold), str(pred), *args], capture_output=True, text=True, check=True
    )
    last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    return {k: float(v) for k, v in SCORE.findall(last)}, proc.stdout


# The groups misses and false claims are put in, named like the mechanisms of extractors/claims/ and like the
# case files in tests/fixtures/claim_cases/ (one file per group), so a miss points at the module and cases to change.
MECHANISMS = {
    "relation": "a claim between the right sides with the wrong relation or negation",
    "reference": "a side named in another sentence, or by a pronoun or definite description",
    "names": "a side named in the sentence but not recognised as a firm or model",
    "scope": "a comparison of users, revenue or money, not of capability",
    "head_to_head": "a headline or a head-to-head article's one-sided cue",
    "negation": "a negation, hedge or condition read wrongly",
    "ranking": "a ranking, leaderboard place or level frame",
    "cues": "a comparative or degree cue (than, as ... as, class, edge, times)",
    "coordination": "a list of sides",
    "claimant": "who asserts the claim",
    "chinese": "the Chinese rules",
    "other": "none of the above",
}


def mechanism_of(kind: str, sentence: str, title: str, key: tuple[str, ...], same_pair: bool, found: str) -> str:
    """The :data:`MECHANISMS` group of one miss or false claim, read off its sentence (a heuristic)."""
    if kind == "FALSE" and same_pair:
        return "relation"
    if kind == "MISS" and found:
        return found
    if re.search(r"[\u4e00-\u9fff]", sentence):
        return "chinese"
    if kind == "FALSE" and SCOPE.search(sentence):
        return "scope"
    if title and sentence.strip() == title.strip():
        return "head_to_head"
    if NEGATION.search(sentence) and (key[3] == "True" or kind == "FALSE"):
        return "negation"
    if PRONOUNS.match(sentence.strip()) or re.search(r"\b(it|its|our)\b", sentence[:40], re.I):
        return "reference"
    if RANKING.search(sentence):
        return "ranking"
    if DEGREE.search(sentence):
        return "cues"
    if sentence.count(",") >= 2 or " and " in sentence:
        return "coordination"
    return "other"


def _recognition(extractor: ClaimExtractor, gold: dict[str, Any], sentence: str) -> str:
    """Why a gold claim's sides may be missed: named outside the sentence, or named but not recognised."""
    ents = [e.text.lower() for e in extractor.nlp(sentence).ents]
    for side in ("subject", "object"):
        surface = (gold.get(side) or "").replace("...", " ").strip()
        words = [w for w in re.findall(r"[\w.+-]+", surface) if w[:1].isupper() or any(c.isdigit() for c in w)]
        if not words:
            continue
        if not any(w.lower() in sentence.lower() for w in words):
            return "reference"  # the side is named outside the sentence
        if not any(any(w.lower() in e for w in words) for e in ents):
            return "names"  # named in the sentence, not recognised
    return ""


def claimant_agreement(gold: Path, pred: list[dict[str, Any]]) -> tuple[int, int]:
    """(agreeing, matched): found claims whose claimant is one gold gives the same org-level claim."""
    labels: dict[tuple[str, str, str, str, bool], set[str]] = defaultdict(set)
    for line in gold.open(encoding="utf-8"):
        if line.strip():
            g = json.loads(line)
            if g.get("subject_org") and g.get("object_org"):
                key = (g["article_id"], _norm(g["subject_org"]), g["relation"], _norm(g["object_org"]), g["negated"])
                labels[key].add(g["claimant"])
    seen: set[tuple[str, str, str, str, bool]] = set()
    agreed = 0
    for p in pred:
        key = (p["article_id"], _norm(p["subject_org"]), p["relation"], _norm(p["object_org"]), p["negated"])
        if key in labels and key not in seen:
            seen.add(key)
            agreed += p["claimant"] in labels[key]
    return agreed, len(seen)


def _misses_by_mechanism(
    articles: Path, gold: Path, pred: list[dict[str, Any]], verbose: str, extractor: ClaimExtractor
) -> dict[str, list[str]]:
    """Each MISS and FALSE line of the scorer's verbose output, in its :data:`MECHANISMS` group with its sentence."""
    titles = {}
    for line in articles.open(encoding="utf-8"):
        if line.strip():
            a = json.loads(line)
            titles[a["id"]] = a.get("title") or a["text"].split("\n", 1)[0]
    gold_rows = [json.loads(x) for x in gold.open(encoding="utf-8") if x.strip()]
    groups: dict[str, list[str]] = defaultdict(list)
    for line in verbose.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        kind, aid, so, rel, oo, neg = m.groups()
        rows = gold_rows if kind == "MISS" else pred
        match = next(
            (
                r
                for r in rows
                if r["article_id"] == aid
                and _norm(r.get("subject_org")).startswith(_norm(so)[:4])
                and _norm(r.get("object_org")).startswith(_norm(oo)[:4])
                and r["relation"] == rel
            ),
            None,
        )
        sentence = (match or {}).get("sentence", "")
        same_pair = any(
            p["article_id"] == aid
            and _norm(p.get("subject_org")).startswith(_norm(so)[:4])
            and _norm(p.get("object_org")).startswith(_norm(oo)[:4])
            for p in (pred if kind == "MISS" else gold_rows)
        )
        found = _recognition(extractor, match, sentence) if kind == "MISS" and match else ""
        label = mechanism_of(kind, sentence, titles.get(aid, ""), (so, rel, oo, neg), same_pair, found)
        groups[label].append(f"{kind} {aid} {so} {rel} {oo}{' NEG' if neg == 'True' else ''} | {sentence[:140]}")
    return groups


def report_set(shared: Path, name: str, work: Path, extractor: ClaimExtractor) -> dict[str, float] | None:
    """Score one shared set; print overall, per-relation and grouped misses; return the overall scores."""
    articles, gold = shared / "corpus" / f"{name}_articles.jsonl", shared / "gold" / f"{name}_claims.jsonl"
    if not articles.exists() or not gold.exists():
        return None
    scorer = shared / "tools" / "score_claims.py"
    pred_path = work / f"{name}_pred.jsonl"
    pred = extract_set(extractor, articles, pred_path)
    scores, verbose = _score(scorer, gold, pred_path, "--verbose")
    strong, _ = _score(scorer, gold, pred_path, "--relations", "parity,surpass")
    scores.update({f"strong_{k}": v for k, v in strong.items()})
    print(f"{name}: precision={scores['precision']:.3f} recall={scores['recall']:.3f} f1={scores['f1']:.3f}")
    for rel in RELATIONS:
        per, _ = _score(scorer, gold, pred_path, "--relations", rel)
        print(f"  {rel:<9} precision={per['precision']:.3f} recall={per['recall']:.3f} f1={per['f1']:.3f}")
    print(f"  parity/surpass precision={strong['precision']:.3f} f1={strong['f1']:.3f}")
    agreed, matched = claimant_agreement(gold, pred)
    if matched:
        scores["claimant_agreement"] = agreed / matched
        print(f"  claimant (self / third_party / outlet) as gold on {agreed}/{matched} found claims")
    groups = _misses_by_mechanism(articles, gold, pred, verbose, extractor)
    counts = Counter({k: len(v) for k, v in groups.items()})
    if counts:
        print(f"  misses and false claims by mechanism ({sum(counts.values())}; cases: tests/fixtures/claim_cases/):")
        for label, n in counts.most_common():
            print(f"    {label}: {n}")
            for example in groups[label][:3]:
                print(f"      {example}")
    return scores


REVIEWED_CASES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "reviewed_cases.yaml"


def report_reviewed(extractor: ClaimExtractor, path: Path = REVIEWED_CASES) -> list[str]:
    """Run the analysts' judged sentences (``claimwatch review export``); return the claims judged right now lost.

    Claims judged wrong that the rules still produce are printed as open errors (not failures).
    """
    from pipelines.review_cases import check_case, load_cases

    cases = load_cases(path)
    if not cases:
        return []
    lost, still_wrong = [], []
    for case in cases:
        missing, wrong = check_case(case, lambda text, title: extractor.extract("reviewed", text, title))
        lost += [f"{case['id']} {row}" for row in missing]
        still_wrong += [f"{case['id']} {row} ({case.get('note', '')}) | {case['sentence'][:100]}" for row in wrong]
    keep = sum(len(c.get("keep", [])) for c in cases)
    reject = sum(len(c.get("reject", [])) for c in cases)
    print(
        f"reviewed cases ({path.name}): {len(cases)} sentences; judged right found {keep - len(lost)}/{keep}; "
        f"judged wrong still produced {len(still_wrong)}/{reject}"
    )
    for line in still_wrong:
        print(f"  open error: {line}")
    return [f"reviewed case lost a claim judged right: {x}" for x in lost]


def check_claims(shared: Path, work: Path, floors: dict[str, dict[str, float]]) -> list[str]:
    """Score every shared set against its floors (``claims_<set>`` in floors.yaml); return the failures.

    The analysts' reviewed cases run too: a claim judged right that the rules no longer find is a failure.
    """
    failures = report_reviewed(default_extractor())
    for name in SETS:
        # an extractor of its own per set, as `claimwatch extract` reads each file: the names one set's
        # articles introduce do not leak into the next set's scores
        scores = report_set(shared, name, work, default_extractor())
        if scores is None:
            continue
        key = "claims_dev" if name == "seed" else f"claims_{name}"
        for metric, floor in floors.get(key, {}).items():
            if scores.get(metric, 0.0) < floor:
                failures.append(f"{key} {metric}={scores.get(metric)} < floor {floor}")
    return failures
