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


FILLER_ZH = [
    "公司表示，新版本将在未来几周内逐步向企业客户开放。",
    "多位分析师认为，算力需求仍将在较长时间内超过供给。",
    "监管部门正在讨论如何规范生成式人工智能服务的上线流程。",
    "该公司没有透露每天有多少用户在使用这项服务。",
    "业内人士提醒，这类系统仍会犯一些难以察觉的错误。",
    "受消息影响，多家芯片公司股价盘中上涨，随后小幅回落。",
    "这份报告基于对四十多位工程师和管理人员的访谈。",
]


def _sample_bodies(lang: str) -> list[list[str]]:
    data = yaml.safe_load((REPO / "pipelines" / "sample" / "articles.yaml").read_text(encoding="utf-8"))
    langs = {o["slug"]: o.get("lang", "en") for o in data["outlets"]}
    return [a["paragraphs"] for a in data["articles"] if "paragraphs" in a and langs.get(a["outlet"]) == lang]


def build_corpus(n: int, seed: int = 7, lang: str = "en") -> list[dict[str, str]]:
    """``n`` articles in ``lang`` (en, zh): one sample article's paragraphs mixed with filler, shuffled."""
    rng = random.Random(seed)
    bodies = _sample_bodies(lang)
    filler = FILLER_ZH if lang == "zh" else FILLER
    glue = "" if lang == "zh" else " "
    out = []
    for i in range(n):
        paras = list(rng.choice(bodies)) + [glue.join(rng.sample(filler, 4)) for _ in range(rng.randint(3, 8))]
        rng.shuffle(paras)
        out.append({"id": f"b{i}", "text": "\n".join(paras)})
    return out


def chinese_rate(corpus: list[dict[str, str]], repeats: int = 5) -> tuple[float, tuple[float, float], int]:
    """Characters/s of the claim rules on Chinese articles: (median, (min, max), claims found)."""
    chars = sum(len(a["text"]) for a in corpus)
    rates = []
    claims = 0
    extractor = ClaimExtractor()
    extractor.extract("warmup", corpus[0]["text"])
    for _ in range(repeats):
        t0 = time.perf_counter()
        claims = sum(len(extractor.extract(a["id"], a["text"])) for a in corpus)
        rates.append(chars / (time.perf_counter() - t0))
    return statistics.median(rates), (min(rates), max(rates)), claims


def main() -> None:
    """Run the benchmark and print its figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--corpus", type=Path, help="JSONL of {id, text} instead of the generated corpus")
    ap.add_argument("--repeats", type=int, default=5, help="timed passes; the median is reported")
    ap.add_argument("--lang", choices=["en", "zh"], default="en", help="generated corpus language")
    args = ap.parse_args()
    if args.corpus:
        corpus = [json.loads(line) for line in args.corpus.open(encoding="utf-8") if line.strip()]
    else:
        corpus = build_corpus(args.articles, lang=args.lang)
    if args.lang == "zh":
        median, spread_, claims = chinese_rate(corpus, args.repeats)
        print(f"articles:        {len(corpus)} (Chinese)")
        print(f"characters:      {sum(len(a['text']) for a in corpus)}")
        print(f"claims found:    {claims}")
        print(f"characters/s:    {median:,.0f} median (min {spread_[0]:,.0f}, max {spread_[1]:,.0f})")
        return
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
