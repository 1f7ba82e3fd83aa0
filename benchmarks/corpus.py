"""The benchmark's generated news corpus: N distinct article pages, vocabulary in data/generated_corpus.yaml.

Each page is its own story (a comparative claim between two models with random versions, a paragraph about
a firm, and filler composed from phrase pools), rendered in the sample site's page template; a small share
are verbatim re-posts of an earlier story at another outlet. Two stories share only short template
fragments, so dedup, claim extraction and the claims table see realistic work (an earlier generator shuffled
the same nine sample articles and made 98% of its pages near-duplicates of each other).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
VOCABULARY = Path(__file__).resolve().parent / "data" / "generated_corpus.yaml"


def _fill(template: str, rng: random.Random, vocab: dict[str, Any], **slots: str) -> str:
    """Fill a template's slots; {n}, {day}, {city} and {year} are drawn at random."""
    values = {
        "n": str(rng.randint(2, 97)),
        "day": rng.choice(vocab["days"]),
        "city": rng.choice(vocab["cities"]),
        "year": str(rng.randint(2009, 2024)),
        **slots,
    }
    return template.format(**values)


def _model(rng: random.Random, vocab: dict[str, Any]) -> tuple[str, str]:
    """(firm, model name with a random version)."""
    firm, stem = rng.choice(vocab["models"])
    return firm, f"{stem}{rng.randint(2, 9)}.{rng.randint(0, 9)}"


def _filler(rng: random.Random, vocab: dict[str, Any]) -> str:
    pools = vocab["filler"]
    parts = [rng.choice(pools[k]) for k in ("openers", "subjects", "verbs", "objects", "closings")]
    sentence = f"{parts[0]}, {parts[1]} {parts[2]} {parts[3]} {parts[4]}."
    return _fill(sentence, rng, vocab)


def story(i: int, rng: random.Random, vocab: dict[str, Any]) -> dict[str, Any]:
    """One article: title, author, publication time and paragraphs."""
    s_firm, s_model = _model(rng, vocab)
    o_firm, o_model = _model(rng, vocab)
    while o_firm == s_firm:
        o_firm, o_model = _model(rng, vocab)
    cue, domain = rng.choice(vocab["cues"]), rng.choice(vocab["domains"])
    claim = _fill(
        rng.choice(vocab["claim_sentences"]),
        rng,
        vocab,
        s=f"{s_firm}'s {s_model}",
        s_firm=s_firm,
        s_model=s_model,
        o=f"{o_firm}'s {o_model}",
        cue=cue,
        domain=domain,
        who=rng.choice(vocab["third_parties"]),
    )
    firm_para = " ".join(_fill(t, rng, vocab, firm=s_firm) for t in rng.sample(vocab["firm_sentences"], 2))
    paragraphs = [claim, firm_para]
    for _ in range(rng.randint(3, 5)):
        paragraphs.append(" ".join(_filler(rng, vocab) for _ in range(rng.randint(2, 4))))
    rng.shuffle(paragraphs[1:])
    day = 1 + i % 28
    return {
        "slug": f"story-{i}",
        "title": f"{s_model} {cue} {o_model} on {domain}, report {i}",
        "author": f"Reporter {i % 37}",
        "published": f"2026-10-{day:02d}T{i % 24:02d}:{i % 60:02d}:00Z",
        "paragraphs": paragraphs,
    }


def generated_pages(n: int, seed: int = 11) -> list[bytes]:
    """``n`` article pages (distinct stories, plus ``repost_share`` verbatim re-posts at other outlets)."""
    sys.path.insert(0, str(REPO / "pipelines" / "sample"))
    from build_site import article_page  # the sample site's own page template

    vocab = yaml.safe_load(VOCABULARY.read_text(encoding="utf-8"))
    outlets = yaml.safe_load((REPO / "pipelines" / "sample" / "articles.yaml").read_text(encoding="utf-8"))["outlets"]
    rng = random.Random(seed)
    stories: list[dict[str, Any]] = []
    pages = []
    for i in range(n):
        outlet = rng.choice(outlets)
        if stories and rng.random() < vocab["repost_share"]:
            art = {**rng.choice(stories), "slug": f"repost-{i}"}
        else:
            art = story(i, rng, vocab)
            stories.append(art)
        pages.append(article_page(outlet, art, f"/{outlet['slug']}/gen/{i}.html", []).encode())
    return pages
