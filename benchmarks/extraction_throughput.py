"""Claim-extraction throughput on cleaned article text, single process.

Usage: python benchmarks/extraction_throughput.py [--articles 2000] [--corpus FILE.jsonl]

Builds a corpus of news-like articles from the repo's own sample articles and filler paragraphs
(or reads JSONL {id, text}), counts tokens with spaCy's English tokenizer, then times
``ClaimExtractor.extract`` over every article. Prints tokens/s, articles/s and claims found.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from pathlib import Path

import spacy
import yaml

from extractors.claims import ClaimExtractor

REPO = Path(__file__).resolve().parents[1]
FILLER = [
    "The company said the update would roll out to customers over the coming weeks.",
    "Officials in Washington and Brussels have been debating how to regulate the technology.",
    "Investors have poured billions of dollars into data centres and chips this year.",
    "Analysts said demand for computing power continued to outstrip supply.",
    "The firm declined to comment on how many people use the service each day.",
    "Critics warned that the systems still make mistakes that are hard to spot.",
    "Shares in several chipmakers rose on the news before falling back in late trading.",
    "The report was based on interviews with more than forty engineers and executives.",
]


def build_corpus(n: int, seed: int = 7) -> list[dict[str, str]]:
    """``n`` articles: one sample article's paragraphs mixed with filler, shuffled deterministically."""
    rng = random.Random(seed)
    data = yaml.safe_load((REPO / "sample" / "articles.yaml").read_text(encoding="utf-8"))
    bodies = [a["paragraphs"] for a in data["articles"] if "paragraphs" in a]
    out = []
    for i in range(n):
        paras = list(rng.choice(bodies)) + [" ".join(rng.sample(FILLER, 4)) for _ in range(rng.randint(3, 8))]
        rng.shuffle(paras)
        out.append({"id": f"b{i}", "text": "\n".join(paras)})
    return out


def main() -> None:
    """Run the benchmark and print its figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--corpus", type=Path, help="JSONL of {id, text} instead of the generated corpus")
    ap.add_argument("--repeats", type=int, default=5, help="timed passes; the median is reported")
    args = ap.parse_args()
    if args.corpus:
        corpus = [json.loads(line) for line in args.corpus.open(encoding="utf-8") if line.strip()]
    else:
        corpus = build_corpus(args.articles)
    tokenizer = spacy.blank("en").tokenizer
    tokens = sum(len(tokenizer(a["text"])) for a in corpus)
    rates = []
    claims = 0
    for _ in range(args.repeats):
        extractor = ClaimExtractor()  # fresh per pass: nothing discovered in an earlier pass carries over
        extractor.extract("warmup", corpus[0]["text"])
        t0 = time.perf_counter()
        claims = sum(len(extractor.extract(a["id"], a["text"])) for a in corpus)
        rates.append(tokens / (time.perf_counter() - t0))
    median = statistics.median(rates)
    print(f"articles:        {len(corpus)}")
    print(f"tokens:          {tokens}")
    print(f"claims found:    {claims}")
    print(f"passes:          {args.repeats} (single process)")
    print(f"tokens/s:        {median:,.0f} median (min {min(rates):,.0f}, max {max(rates):,.0f})")
    print(f"articles/s:      {median * len(corpus) / tokens:,.1f} median")


if __name__ == "__main__":
    main()
